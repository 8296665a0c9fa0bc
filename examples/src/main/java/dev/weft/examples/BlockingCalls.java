package dev.weft.examples;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.SchedulerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What sysmon does with virtual threads that hold their carrier, and with ones that compute.
 * Each round runs {@code BLOCKERS} virtual threads that each hold a carrier for 300 ms (a read of
 * a child process's stdout: a native read, as file I/O is), or compute for 300 ms, while 2000
 * small virtual threads wait to run; it prints when the small ones were done, how many Ps were
 * handed off and the most carriers seen.
 *
 * <pre>
 * ./weft run BlockingCalls [GOMAXPROCS] [BLOCKERS]     (defaults: 2 and 4)
 * </pre>
 *
 * Rounds: {@code blocked} (sysmon hands the Ps of blocked carriers on after 20 ms),
 * {@code blocking()} (the same calls wrapped in {@code GoScheduler.blocking}: handed on at once),
 * {@code computing} (CPU-bound: sysmon leaves them alone, never more carriers than Ps run them).
 */
public final class BlockingCalls {
    private static final long HOLD_MILLIS = 300;
    private static final int SMALL = 2000;

    private BlockingCalls() {}

    /** One round's figures. */
    record Round(String name, long smallMillis, long allMillis, long handoffs, int maxCarriers) {}

    public static void main(String[] args) throws Exception {
        int procs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int blockers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        run(System.out, procs, blockers);
    }

    /** The three rounds, printed to {@code out}. */
    static List<Round> run(PrintStream out, int procs, int blockers) throws Exception {
        out.printf(
                "gomaxprocs=%d, %d virtual threads hold a carrier for %d ms, %d small ones wait%n",
                procs, blockers, HOLD_MILLIS, SMALL);
        return List.of(
                round(out, "blocked", procs, blockers, BlockingCalls::nativeRead),
                round(out, "blocking()", procs, blockers, () -> GoScheduler.blocking(BlockingCalls::nativeRead)),
                round(out, "computing", procs, blockers, BlockingCalls::compute));
    }

    /** A read that blocks its carrier for {@link #HOLD_MILLIS}: EOF when {@code sleep} exits. */
    private static Integer nativeRead() throws IOException {
        Process p = new ProcessBuilder("sleep", String.valueOf(HOLD_MILLIS / 1000.0)).start();
        try (InputStream in = p.getInputStream()) {
            return in.read();
        }
    }

    private static Integer compute() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);
        long x = 1;
        while (System.nanoTime() < end) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return (int) (x & 1);
    }

    private static Round round(PrintStream out, String name, int procs, int blockers, Callable<Integer> hold)
            throws Exception {
        try (GoScheduler s = GoScheduler.create(procs)) {
            long start = System.nanoTime();
            List<Thread> holders = new ArrayList<>();
            for (int i = 0; i < blockers; i++) {
                holders.add(s.go(() -> {
                    try {
                        hold.call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<Thread> small = new ArrayList<>();
            for (int i = 0; i < SMALL; i++) {
                small.add(s.go(() -> {
                    for (int j = 0; j < 10; j++) {
                        Thread.yield();
                    }
                }));
            }
            int maxCarriers = 0;
            for (Thread t : small) {
                while (!t.join(java.time.Duration.ofMillis(2))) {
                    maxCarriers = Math.max(maxCarriers, s.stats().carriers());
                }
            }
            long smallDone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            for (Thread t : holders) {
                while (!t.join(java.time.Duration.ofMillis(2))) {
                    maxCarriers = Math.max(maxCarriers, s.stats().carriers());
                }
            }
            long allDone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            SchedulerStats st = s.stats();
            maxCarriers = Math.max(maxCarriers, st.carriers());
            out.printf(
                    "%-11s small ones done after %4d ms, all after %4d ms, hand-offs=%d, most carriers=%d%n",
                    name, smallDone, allDone, st.handoffs(), maxCarriers);
            return new Round(name, smallDone, allDone, st.handoffs(), maxCarriers);
        }
    }
}

package dev.weft.channels;

import dev.weft.test.support.ChildJvm;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link ContextTest#millionsOfCancelledChildrenFitInASmallHeap}: under one
 * long-lived parent, makes and cancels children of every kind and registers and stops
 * afterFuncs, {@code n} times, in a 64 MB heap. A child or registration that stayed reachable
 * (in the parent's children, or a deadline timer left in the heap) costs a few hundred bytes, so
 * 10^6 of them exhaust the heap. Prints the heap used after GC at n/10 and at n iterations and
 * exits 1 if it grew by more than 4 MB.
 */
public final class ContextLeakMain {
    private static final long MB = 1024 * 1024;
    private static final long ALLOWED_GROWTH = 4 * MB;

    private ContextLeakMain() {}

    /** Runs this main in a child JVM with {@code -Xmx64m}; returns its output (exit 0 asserted). */
    static String runChild(int n) throws Exception {
        return ChildJvm.run(
                ContextLeakMain.class, List.of("-Xmx64m", "-ea"), Duration.ofSeconds(120), Integer.toString(n));
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        CancelContext parent = Context.withCancel(Context.background());
        Duration hour = Duration.ofHours(1);
        IOException why = new IOException("cause");
        long atTenth = -1;
        long start = System.nanoTime();
        for (int i = 1; i <= n; i++) {
            Context.withCancel(parent).cancel();

            CancelContext timed = Context.withTimeout(Context.withValue(parent, "i", i), hour);
            StopFunc onTimed = Context.afterFunc(timed, () -> {});
            if (!onTimed.stop()) {
                throw new AssertionError("stop lost on an active context");
            }
            timed.cancel(); // early: its deadline timer must leave the timers heap

            CancelCauseContext caused = Context.withCancelCause(parent);
            Context.withCancel(caused); // a grandchild, cancelled through caused
            caused.cancel(why);

            if (!Context.afterFunc(parent, () -> {}).stop()) {
                throw new AssertionError("stop lost on an active context");
            }
            if (i == n / 10) {
                atTenth = usedAfterGc();
            }
        }
        long atEnd = usedAfterGc();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf(
                "iterations=%d children=%d timersPending=%d heapAfterGc: at %d %.1f MB, at %d %.1f MB (%d ms)%n",
                n,
                parent.childCountForTest(),
                Timers.pending(),
                n / 10,
                atTenth / (double) MB,
                n,
                atEnd / (double) MB,
                ms);
        if (parent.childCountForTest() != 0 || parent.isDone()) {
            System.out.println("FAIL: the parent kept children or was cancelled");
            System.exit(1);
        }
        if (atEnd - atTenth > ALLOWED_GROWTH) {
            System.out.println("FAIL: heap after GC grew by " + (atEnd - atTenth) / MB + " MB");
            System.exit(1);
        }
        System.out.println("done");
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

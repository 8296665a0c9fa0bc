package dev.weft.scheduler;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.TimerQueue;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child-JVM program of {@link TimerMemoryTest} (issue 11 part 2): timed parks that end early, on
 * a {@code GoScheduler.create(1)}, each cancelling a timer one hour away.
 *
 * <p>Args: {@code waits threads [platform]}. Part 1: one virtual thread parks {@code waits} times
 * for an hour, each park ended early by an unpark from another virtual thread of the scheduler
 * (with {@code platform}: from this platform thread, as in the issue); prints the heap growth
 * after GC. Part 2: {@code threads} virtual threads each park once for an hour and are unparked and
 * joined; prints how many of them are still reachable after GC. Then prints {@code done}.
 */
public final class EarlyEndedWaitsMain {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private EarlyEndedWaitsMain() {}

    public static void main(String[] args) throws Exception {
        int waits = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        boolean fromPlatform = args.length > 2 && args[2].equals("platform");
        try (GoScheduler s = GoScheduler.create(1)) {
            TimerQueue timers = EngineAccess.timers(s.scheduler());
            unparkEachPark(s, s.go(() -> parkHour(1_000)), fromPlatform); // warm up: classes, JIT, timer thread
            long before = heapAfterGc();
            unparkEachPark(s, s.go(() -> parkHour(waits)), fromPlatform);
            long after = heapAfterGc();
            System.out.printf(
                    "waits=%d heapBeforeKB=%d heapAfterKB=%d heapGrowthKB=%d cancelledHeld=%d%n",
                    waits, before / 1024, after / 1024, (after - before) / 1024, timers.cancelledHeld());

            List<WeakReference<Thread>> ended = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                Thread t = s.go(() -> parkHour(1));
                unparkEachPark(s, t, fromPlatform);
                ended.add(new WeakReference<>(t));
            }
            heapAfterGc();
            long reachable = ended.stream().filter(r -> r.get() != null).count();
            System.out.printf(
                    "threads=%d endedThreadsReachable=%d cancelledHeld=%d pending=%d%n",
                    threads, reachable, timers.cancelledHeld(), timers.pending());
        }
        System.out.println("done");
    }

    private static void parkHour(int times) {
        for (int i = 0; i < times; i++) {
            LockSupport.parkNanos(HOUR);
        }
    }

    /** Unparks {@code t} each time it is seen parked, until it ends: from here, or from a virtual thread of {@code s}. */
    private static void unparkEachPark(GoScheduler s, Thread t, boolean fromPlatform) throws InterruptedException {
        Runnable unparker = () -> {
            while (t.isAlive()) {
                if (t.getState() == Thread.State.TIMED_WAITING) {
                    LockSupport.unpark(t);
                }
                Thread.yield(); // on s: lets t run
            }
        };
        if (fromPlatform) {
            unparker.run();
        } else {
            s.go(unparker).join();
        }
        t.join();
    }

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the least of a few: a GC may leave some floating garbage
            System.gc();
            Thread.sleep(50); // measurement only: lets reference processing settle
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

package dev.weft.scheduler;

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
 * <p>Args: {@code waits threads}. Part 1: one virtual thread parks {@code waits} times for an
 * hour, each park ended early by this (platform) thread's unpark; prints the heap growth after
 * GC. Part 2: {@code threads} virtual threads each park once for an hour and are unparked and
 * joined; prints how many of them are still reachable after GC. Then prints {@code done}.
 */
public final class EarlyEndedWaitsMain {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private EarlyEndedWaitsMain() {
    }

    public static void main(String[] args) throws Exception {
        int waits = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        try (GoScheduler s = GoScheduler.create(1)) {
            TimerQueue timers = s.scheduler().timers;
            unparkEachPark(s.go(() -> parkHour(1_000)));       // warm up: classes, JIT, timer thread
            long before = heapAfterGc();
            unparkEachPark(s.go(() -> parkHour(waits)));
            long after = heapAfterGc();
            System.out.printf("waits=%d heapBeforeKB=%d heapAfterKB=%d heapGrowthKB=%d cancelledHeld=%d%n",
                    waits, before / 1024, after / 1024, (after - before) / 1024, timers.cancelledHeld());

            List<WeakReference<Thread>> ended = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                Thread t = s.go(() -> parkHour(1));
                unparkEachPark(t);
                ended.add(new WeakReference<>(t));
            }
            heapAfterGc();
            long reachable = ended.stream().filter(r -> r.get() != null).count();
            System.out.printf("threads=%d endedThreadsReachable=%d cancelledHeld=%d pending=%d%n",
                    threads, reachable, timers.cancelledHeld(), timers.pending());
        }
        System.out.println("done");
    }

    private static void parkHour(int times) {
        for (int i = 0; i < times; i++) {
            LockSupport.parkNanos(HOUR);
        }
    }

    /** Unparks {@code t} each time it is seen parked, until it ends. */
    private static void unparkEachPark(Thread t) throws InterruptedException {
        while (t.isAlive()) {
            if (t.getState() == Thread.State.TIMED_WAITING) {
                LockSupport.unpark(t);
            }
            Thread.onSpinWait();
        }
        t.join();
    }

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the least of a few: a GC may leave some floating garbage
            System.gc();
            Thread.sleep(50); // measurement only: lets reference processing settle
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

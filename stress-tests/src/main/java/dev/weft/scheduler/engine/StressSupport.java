package dev.weft.scheduler.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Helpers shared by the scheduler stress tests (not tests themselves).
 */
final class StressSupport {
    private StressSupport() {}

    /** How long an arbiter waits for a task before calling it lost. */
    static final long LOST_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A run-queue entry that does nothing: run queues only move them around. */
    record Marker(int id) implements Runnable {
        @Override
        public void run() {}
    }

    /** Shared markers: id i at index i (ids from 1; 0 means "none" in results). */
    static final Marker[] MARKERS = new Marker[LocalRunQueue.CAPACITY + 16];

    static {
        for (int i = 0; i < MARKERS.length; i++) {
            MARKERS[i] = new Marker(i);
        }
    }

    static int id(Runnable task) {
        return task == null ? 0 : ((Marker) task).id();
    }

    /** An overflow target that must never be used. */
    static final LocalRunQueue.Overflow NO_OVERFLOW = (batch, n) -> {
        throw new AssertionError("unexpected overflow of " + n + " tasks");
    };

    /** Counts how often each marker id was seen; answers whether ids 1..n were each seen once. */
    static final class Tally {
        private final int[] seen = new int[MARKERS.length];

        void add(Runnable task) {
            if (task != null) {
                seen[id(task)]++;
            }
        }

        /** Takes everything left in {@code q} (runnext and ring), as its owner, with the production pop. */
        int drain(LocalRunQueue q) {
            GlobalRunQueue preempted = new GlobalRunQueue(); // a runnext whose time slice ran out goes here
            int n = 0;
            for (Runnable t; (t = q.get(preempted)) != null; ) {
                add(t);
                n++;
            }
            return n + drain(preempted);
        }

        int drain(GlobalRunQueue q) {
            int n = 0;
            for (Runnable t; (t = q.poll()) != null; ) {
                add(t);
                n++;
            }
            return n;
        }

        boolean exactlyOnce(int n) {
            if (seen[0] != 0) {
                return false;
            }
            for (int i = 1; i < seen.length; i++) {
                if (seen[i] != (i <= n ? 1 : 0)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A plain task that counts its runs and may run something else first. */
    static final class CountingTask implements Runnable {
        final AtomicInteger runs = new AtomicInteger();
        private final Runnable body;

        CountingTask(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            if (body != null) {
                body.run();
            }
            runs.incrementAndGet();
        }
    }

    /** Waits (spin, then park) until {@code done}, at most {@link #LOST_AFTER_NANOS}. */
    static boolean await(BooleanSupplier done) {
        long deadline = System.nanoTime() + LOST_AFTER_NANOS;
        for (int i = 0; !done.getAsBoolean(); i++) {
            if (i < 1_000) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - deadline > 0) {
                return false;
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        return true;
    }

    /** Spins politely: on a 2-core machine the thread we wait for may need our CPU. */
    static void pause(int spins) {
        if ((spins & 63) == 63) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }
}

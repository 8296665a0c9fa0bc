package dev.weft.jmh;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Workloads that stress the scheduler itself, written with the JDK's own primitives only, so
 * that the same code compares weft's scheduler with the JDK's default one. Each runs in the
 * calling thread (a virtual thread of the scheduler under test, as Go's {@code main}), checks
 * its result and throws if it is wrong. Go's counterparts are in {@code jmh/go/main.go}.
 */
final class SchedulerWorkloads {
    private SchedulerWorkloads() {}

    /** Starts {@code n} virtual threads that each add to a counter, then joins them all. */
    static long startJoin(Thread.Builder go, int n) throws InterruptedException {
        AtomicLong counter = new AtomicLong();
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = go.start(counter::incrementAndGet);
        }
        for (Thread t : threads) {
            t.join();
        }
        ChannelWorkloads.check(counter.get() == n, "start-join count", counter.get());
        return counter.get();
    }

    /** {@code threads} virtual threads each call {@link Thread#yield()} {@code yields} times. */
    static long yieldStorm(Thread.Builder go, int threads, int yields) throws InterruptedException {
        AtomicLong total = new AtomicLong();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = go.start(() -> {
                for (int y = 0; y < yields; y++) {
                    Thread.yield();
                }
                total.addAndGet(yields);
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        ChannelWorkloads.check(total.get() == (long) threads * yields, "yield count", total.get());
        return total.get();
    }

    /**
     * {@code threads} virtual threads each sleep {@code sleeps} times for {@code sleep}: the
     * timed-park path (the JDK's timer threads hand every wake-up back through the scheduler).
     */
    static long sleepers(Thread.Builder go, int threads, int sleeps, Duration sleep) throws InterruptedException {
        AtomicLong total = new AtomicLong();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = go.start(() -> {
                try {
                    for (int s = 0; s < sleeps; s++) {
                        Thread.sleep(sleep);
                    }
                    total.addAndGet(sleeps);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        ChannelWorkloads.check(total.get() == (long) threads * sleeps, "sleep count", total.get());
        return total.get();
    }

    /**
     * Fans {@code tasks} tiny tasks out to {@code workers} virtual threads through a
     * {@link LinkedTransferQueue} (which parks and unparks the workers through the scheduler);
     * each task adds its index to a {@link LongAdder}. Ends with one stop marker per worker.
     */
    static long fanOutTasks(Thread.Builder go, int tasks, int workers) throws InterruptedException {
        LinkedTransferQueue<Runnable> queue = new LinkedTransferQueue<>();
        Runnable stop = () -> {};
        LongAdder sum = new LongAdder();
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            go.start(() -> {
                try {
                    for (Runnable task; (task = queue.take()) != stop; ) {
                        task.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        for (int i = 0; i < tasks; i++) {
            long value = i;
            queue.put(() -> sum.add(value));
        }
        for (int w = 0; w < workers; w++) {
            queue.put(stop);
        }
        done.await();
        ChannelWorkloads.check(sum.sum() == (long) tasks * (tasks - 1) / 2, "fan-out task sum", sum.sum());
        return sum.sum();
    }
}

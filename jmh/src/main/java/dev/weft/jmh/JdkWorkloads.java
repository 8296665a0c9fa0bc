package dev.weft.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What services run on virtual threads that spins or hands off, written with the JDK's own
 * classes only (unchanged JDK code): a contended {@link ReentrantLock}, {@link CompletableFuture}
 * chains on a virtual-thread-per-task executor, an {@link Exchanger} ping-pong and a bounded
 * {@link LinkedBlockingQueue}. The same code runs on weft's scheduler, on the JDK's default one and
 * on weft through its agent. Each runs in the calling thread (a virtual thread of the scheduler
 * under test, as Go's {@code main}), starts its threads with {@code go}, checks its result and
 * throws if it is wrong ({@link ChannelWorkloads#check}).
 */
final class JdkWorkloads {
    private JdkWorkloads() {}

    /**
     * {@code threads} virtual threads each lock a shared {@link ReentrantLock} (non-fair, as
     * services use it), increment a counter it guards and unlock, {@code increments} times;
     * returns the counter. Contention parks the losers (a virtual thread unmounts) and the
     * unlock unparks them through the scheduler.
     */
    static long lockCounter(Thread.Builder go, int threads, int increments) throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        long[] counter = {0}; // guarded by lock
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = go.start(() -> {
                for (int i = 0; i < increments; i++) {
                    lock.lock();
                    try {
                        counter[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        lock.lock();
        try {
            ChannelWorkloads.check(counter[0] == (long) threads * increments, "lock counter", counter[0]);
            return counter[0];
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code chains} {@link CompletableFuture} chains of {@code stages} stages each, all at once:
     * a {@code supplyAsync} of 0 then {@code stages - 1} {@code thenApplyAsync(x -> x + 1)}, every
     * stage a new virtual thread of {@code go}'s factory
     * ({@link Executors#newThreadPerTaskExecutor}); joins every chain's last stage and returns the
     * sum of their results ({@code chains * (stages - 1)}).
     */
    static long completableFutures(Thread.Builder go, int chains, int stages) {
        long sum = 0;
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(go.factory())) {
            List<CompletableFuture<Integer>> last = new ArrayList<>(chains);
            for (int c = 0; c < chains; c++) {
                CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> 0, executor);
                for (int s = 1; s < stages; s++) {
                    f = f.thenApplyAsync(x -> x + 1, executor);
                }
                last.add(f);
            }
            for (CompletableFuture<Integer> f : last) {
                int got = f.join();
                ChannelWorkloads.check(got == stages - 1, "completable-future chain result", got);
                sum += got;
            }
        }
        ChannelWorkloads.check(sum == (long) chains * (stages - 1), "completable-future sum", sum);
        return sum;
    }

    /**
     * An {@link Exchanger} ping-pong: the calling thread and one virtual thread exchange
     * {@code n} times, each giving its round number; returns the sum of what the caller got
     * ({@code n(n-1)/2}). The Exchanger spins briefly for its partner before it parks.
     */
    static long exchanger(Thread.Builder go, int n) throws InterruptedException {
        Exchanger<Integer> exchanger = new Exchanger<>();
        long[] partnerSum = {0};
        Thread partner = go.start(() -> {
            try {
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += exchanger.exchange(i);
                }
                partnerSum[0] = sum;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += exchanger.exchange(i);
        }
        partner.join();
        ChannelWorkloads.check(sum == (long) n * (n - 1) / 2, "exchanger sum", sum);
        ChannelWorkloads.check(partnerSum[0] == sum, "exchanger partner's sum", partnerSum[0]);
        return sum;
    }

    /**
     * Producer/consumer over a {@link LinkedBlockingQueue} of {@code capacity}:
     * {@code producers} virtual threads put {@code 0..n-1} between them, {@code consumers} take
     * {@code n / consumers} each; returns the sum taken ({@code n(n-1)/2}). {@code n} must be a
     * multiple of both counts.
     */
    static long linkedBlockingQueue(Thread.Builder go, int n, int producers, int consumers, int capacity)
            throws InterruptedException {
        assert n % producers == 0 && n % consumers == 0 : n + " values for " + producers + "x" + consumers;
        // the buffered workload's shape, over a LinkedBlockingQueue instead of a channel
        return ChannelWorkloads.buffered(
                new Pipe.Jdk<>(new LinkedBlockingQueue<Object>(capacity)), go, n, producers, consumers);
    }
}

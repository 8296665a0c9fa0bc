package dev.weft.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The channel workloads, ported line for line from the Go reference ({@code jmh/go/main.go}, a
 * copy of {@code shared/reference/go-workloads} plus the shapes it lacks), over a {@link Pipe} of
 * any implementation. Each runs in the calling thread as Go's {@code main} goroutine does (the
 * benchmarks call them from a virtual thread of the scheduler under test), starts its
 * goroutines with {@code go}, checks its result as the Go code does, and throws if it is wrong.
 */
final class ChannelWorkloads {
    private ChannelWorkloads() {}

    /** Go's {@code pingpong(n)}: two unbuffered channels, an echo goroutine, n round trips. */
    static long pingPong(String impl, Thread.Builder go, int n) throws InterruptedException {
        Pipe<Integer> a = Pipe.of(impl, 0);
        Pipe<Integer> b = Pipe.of(impl, 0);
        Thread echo = go.start(() -> {
            try {
                for (Integer v; (v = a.receiveOrNull()) != null; ) {
                    b.send(v + 1);
                }
                // Go closes b here too, but nobody receives from it any more: left out, because
                // the jdk pipe's close is a blocking put that nobody would take.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long sum = 0;
        for (int i = 0; i < n; i++) {
            a.send(i);
            sum += b.receive();
        }
        a.close();
        echo.join();
        check(sum == (long) n * (n + 1) / 2, "pingpong sum", sum);
        return sum;
    }

    /**
     * Go's skynet: a tree of {@code size} goroutines, {@code div} children each, every leaf
     * sending its number up an unbuffered channel and every inner node the sum of its children.
     */
    static long skynet(String impl, Thread.Builder go, int size, int div) throws InterruptedException {
        Pipe<Long> c = Pipe.of(impl, 0);
        go.start(() -> skynet(impl, go, c, 0, size, div));
        long sum = c.receive();
        check(sum == (long) size * (size - 1) / 2, "skynet sum", sum);
        return sum;
    }

    private static void skynet(String impl, Thread.Builder go, Pipe<Long> c, long num, int size, int div) {
        try {
            if (size == 1) {
                c.send(num);
                return;
            }
            Pipe<Long> rc = Pipe.of(impl, 0);
            long sum = 0;
            for (int i = 0; i < div; i++) {
                long subNum = num + (long) i * (size / div);
                go.start(() -> skynet(impl, go, rc, subNum, size / div, div));
            }
            for (int i = 0; i < div; i++) {
                sum += rc.receive();
            }
            c.send(sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Go's concurrent prime sieve: a generator and a chain of filter goroutines over unbuffered
     * channels, one filter per prime; returns the {@code n}th prime. Go leaves the goroutines
     * blocked for ever; here they are interrupted and joined at the end (a few milliseconds of
     * the whole), so that nothing outlives the run.
     */
    static int sieve(String impl, Thread.Builder go, int n) throws InterruptedException {
        List<Thread> goroutines = new ArrayList<>(n + 1);
        Pipe<Integer> ch = Pipe.of(impl, 0);
        Pipe<Integer> gen = ch;
        goroutines.add(go.start(() -> {
            try {
                for (int i = 2; ; i++) {
                    gen.send(i);
                }
            } catch (InterruptedException e) {
                // the run is over
            }
        }));
        int p = 0;
        for (int i = 0; i < n; i++) {
            p = ch.receive();
            Pipe<Integer> in = ch;
            Pipe<Integer> out = Pipe.of(impl, 0);
            int prime = p;
            goroutines.add(go.start(() -> {
                try {
                    for (; ; ) {
                        int v = in.receive();
                        if (v % prime != 0) {
                            out.send(v);
                        }
                    }
                } catch (InterruptedException e) {
                    // the run is over
                }
            }));
            ch = out;
        }
        for (Thread t : goroutines) {
            t.interrupt();
        }
        for (Thread t : goroutines) {
            t.join();
        }
        return p;
    }

    /**
     * Go's {@code fanout(n, workers, capacity)}: a producer sends 0..n-1 on a buffered
     * {@code jobs} channel, {@code workers} goroutines range over it and send twice each value
     * on a buffered {@code results} channel, closed when all workers are done (Go's WaitGroup is
     * a CountDownLatch here, the same on every implementation); main sums the results.
     */
    static long fanOut(String impl, Thread.Builder go, int n, int workers, int capacity) throws InterruptedException {
        Pipe<Integer> jobs = Pipe.of(impl, capacity);
        Pipe<Long> results = Pipe.of(impl, capacity);
        CountDownLatch wg = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            go.start(() -> {
                try {
                    for (Integer j; (j = jobs.receiveOrNull()) != null; ) {
                        results.send(j * 2L);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    wg.countDown();
                }
            });
        }
        go.start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    jobs.send(i);
                }
                jobs.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        go.start(() -> {
            try {
                wg.await();
                results.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long sum = 0;
        for (Long r; (r = results.receiveOrNull()) != null; ) {
            sum += r;
        }
        check(sum == (long) n * (n - 1), "fanout sum", sum);
        return sum;
    }

    /**
     * Go's {@code selectLoop(n)} over {@code ways} channels of capacity 64 (the reference has 2;
     * 4 is the same loop with {@code i % 4}): a producer sends value i on channel i % ways, then
     * closes {@code done}; main selects over all channels until it has n values, then waits for
     * {@code done}.
     */
    @SuppressWarnings("unchecked") // a generic array, filled below with Pipe<Integer>s only
    static long select(String impl, Thread.Builder go, int n, int ways) throws InterruptedException {
        Pipe<Integer>[] chans = (Pipe<Integer>[]) new Pipe<?>[ways];
        for (int i = 0; i < ways; i++) {
            chans[i] = Pipe.of(impl, 64);
        }
        Pipe<Boolean> done = Pipe.of(impl, 0);
        go.start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    chans[i % ways].send(i);
                }
                done.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long sum = 0;
        for (int got = 0; got < n; got++) {
            sum += Pipe.selectReceive(chans);
        }
        check(done.receiveOrNull() == null, "select done", 0);
        check(sum == (long) n * (n - 1) / 2, "select sum", sum);
        return sum;
    }

    /**
     * {@code producers} goroutines send {@code n / producers} values each on one buffered channel
     * of {@code capacity}; {@code consumers} goroutines receive {@code n / consumers} each; main
     * waits for the consumers. {@code n} must divide by both.
     */
    static long buffered(String impl, Thread.Builder go, int n, int producers, int consumers, int capacity)
            throws InterruptedException {
        return buffered(Pipe.of(impl, capacity), go, n, producers, consumers);
    }

    /** {@link #buffered(String, Thread.Builder, int, int, int, int)} over a given pipe. */
    static long buffered(Pipe<Integer> pipe, Thread.Builder go, int n, int producers, int consumers)
            throws InterruptedException {
        long[] sums = new long[consumers];
        Thread[] receivers = new Thread[consumers];
        for (int c = 0; c < consumers; c++) {
            int me = c;
            receivers[c] = go.start(() -> {
                try {
                    long sum = 0;
                    for (int i = 0; i < n / consumers; i++) {
                        sum += pipe.receive();
                    }
                    sums[me] = sum;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int p = 0; p < producers; p++) {
            int first = p * (n / producers);
            go.start(() -> {
                try {
                    for (int i = first; i < first + n / producers; i++) {
                        pipe.send(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long sum = 0;
        for (int c = 0; c < consumers; c++) {
            receivers[c].join();
            sum += sums[c];
        }
        check(sum == (long) n * (n - 1) / 2, "buffered sum", sum);
        return sum;
    }

    static void check(boolean ok, String what, long got) {
        if (!ok) {
            throw new IllegalStateException("wrong " + what + ": " + got + " (the workload lost or duplicated values)");
        }
    }
}

package dev.weft.jmh;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * LockSupport park/unpark ping-pong between two virtual threads: the cost of one round trip
 * (two hand-offs). This is the scheduler's hot path: on weft the woken thread lands in the
 * waker's P ({@code runnext}) and runs as soon as the waker parks.
 *
 * <pre>java -jar jmh/target/benchmarks.jar PingPongBenchmark</pre>
 */
@State(Scope.Benchmark)
public class PingPongBenchmark extends OnScheduler {
    /** Round trips per op. */
    public static final int ROUND_TRIPS = 10_000;

    /** LockSupport park/unpark round trips between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int pingPong() throws InterruptedException {
        return pingPong(builder(), ROUND_TRIPS);
    }

    /** Two virtual threads take turns {@code n} times; returns the final turn counter. */
    static int pingPong(Thread.Builder.OfVirtual builder, int n) throws InterruptedException {
        AtomicInteger turn = new AtomicInteger();
        Thread[] threads = new Thread[2];
        threads[1] = builder.unstarted(() -> {
            for (int i = 0; i < n; i++) {
                while (turn.get() != 1) {
                    LockSupport.park();
                }
                turn.set(0);
                LockSupport.unpark(threads[0]);
            }
        });
        threads[0] = builder.unstarted(() -> {
            for (int i = 0; i < n; i++) {
                turn.set(1);
                LockSupport.unpark(threads[1]);
                while (turn.get() != 0) {
                    LockSupport.park();
                }
            }
        });
        threads[1].start();
        threads[0].start();
        threads[0].join();
        threads[1].join();
        return turn.get();
    }
}

package dev.weft.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The JDK's own concurrency classes as services use them on virtual threads, unchanged JDK code
 * only ({@link JdkWorkloads}), ns per operation:
 * <ul>
 *   <li>{@code lockCounter}: 8 virtual threads each do 100k lock/increment/unlock of one
 *       {@link java.util.concurrent.locks.ReentrantLock} (op: one increment).</li>
 *   <li>{@code completableFutures}: 8 {@link java.util.concurrent.CompletableFuture} chains of
 *       1000 {@code thenApplyAsync} stages on a virtual-thread-per-task executor, joined (op: one
 *       stage).</li>
 *   <li>{@code exchanger}: {@link java.util.concurrent.Exchanger} ping-pong between two virtual
 *       threads, 10k exchanges (op: one exchange).</li>
 *   <li>{@code linkedBlockingQueue1x1}, {@code linkedBlockingQueue4x4}: 100k values through a
 *       {@link java.util.concurrent.LinkedBlockingQueue} of capacity 16, 1 producer and 1
 *       consumer or 4 and 4 (op: one value).</li>
 * </ul>
 * <pre>java -jar jmh/target/benchmarks.jar JdkClassesBenchmark -p gomaxprocs=2</pre>
 */
@State(Scope.Benchmark)
public class JdkClassesBenchmark extends OnScheduler {
    /** Threads of {@link #lockCounter}. */
    public static final int LOCKERS = 8;
    /** Increments per thread of {@link #lockCounter}. */
    public static final int INCREMENTS = 100_000;
    /** Chains of {@link #completableFutures}. */
    public static final int CHAINS = 8;
    /** Stages per chain of {@link #completableFutures}. */
    public static final int STAGES = 1000;
    /** Exchanges per op of {@link #exchanger}. */
    public static final int EXCHANGES = 10_000;
    /** Values per op of the LinkedBlockingQueue benchmarks. */
    public static final int VALUES = 100_000;
    /** The LinkedBlockingQueue's capacity. */
    public static final int CAPACITY = 16;

    /** 8 threads x 100k increments under one ReentrantLock. */
    @Benchmark
    @OperationsPerInvocation(LOCKERS * INCREMENTS)
    public long lockCounter() throws InterruptedException {
        return onMain(() -> JdkWorkloads.lockCounter(builder(), LOCKERS, INCREMENTS));
    }

    /** 8 chains of 1000 thenApplyAsync stages on virtual threads. */
    @Benchmark
    @OperationsPerInvocation(CHAINS * STAGES)
    public long completableFutures() throws InterruptedException {
        return onMain(() -> JdkWorkloads.completableFutures(builder(), CHAINS, STAGES));
    }

    /** 10k Exchanger exchanges between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(EXCHANGES)
    public long exchanger() throws InterruptedException {
        return onMain(() -> JdkWorkloads.exchanger(builder(), EXCHANGES));
    }

    /** One producer, one consumer over a LinkedBlockingQueue of capacity 16. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long linkedBlockingQueue1x1() throws InterruptedException {
        return onMain(() -> JdkWorkloads.linkedBlockingQueue(builder(), VALUES, 1, 1, CAPACITY));
    }

    /** Four producers, four consumers over a LinkedBlockingQueue of capacity 16. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long linkedBlockingQueue4x4() throws InterruptedException {
        return onMain(() -> JdkWorkloads.linkedBlockingQueue(builder(), VALUES, 4, 4, CAPACITY));
    }
}

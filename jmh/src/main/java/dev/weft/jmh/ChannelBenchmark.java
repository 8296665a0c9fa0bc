package dev.weft.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Go's channel workloads ({@link ChannelWorkloads}, the shapes of {@code jmh/go/main.go}), the
 * same code over weft, jox and the JDK's queues, on weft's scheduler or the JDK's default one;
 * ns per operation, the operation being Go's {@code ns/op} unit:
 * <ul>
 *   <li>{@code pingPong}: two unbuffered channels and an echo goroutine (op: a round trip).</li>
 *   <li>{@code skynet}: 1M goroutines in a tree of 10, summing through unbuffered channels
 *       (op: one goroutine).</li>
 *   <li>{@code sieve}: the concurrent prime sieve up to the 3000th prime (op: one prime).</li>
 *   <li>{@code fanOut}: 100k values to 8 workers and back, capacity 128 (op: one value).</li>
 * </ul>
 * Buffered producer/consumer is {@link BufferedBenchmark}, select is {@link SelectBenchmark}.
 * <pre>java -jar jmh/target/benchmarks.jar ChannelBenchmark -p scheduler=weft -p gomaxprocs=1</pre>
 */
@State(Scope.Benchmark)
public class ChannelBenchmark extends OnScheduler {
    /** Round trips per op of {@link #pingPong} (Go: {@code pingpong 10000}). */
    public static final int ROUND_TRIPS = 10_000;
    /** Threads in skynet's tree (Go: {@code skynet 1000000}). */
    public static final int SKYNET = 1_000_000;
    /** Children per node of skynet's tree. */
    public static final int SKYNET_DIV = 10;
    /** Primes the sieve finds (Go: {@code sieve 3000}). */
    public static final int PRIMES = 3000;
    /** Values through {@link #fanOut} (Go: {@code fanout 100000}). */
    public static final int FAN_OUT = 100_000;
    /** Workers of {@link #fanOut}. */
    public static final int FAN_OUT_WORKERS = 8;
    /** Capacity of both channels of {@link #fanOut}. */
    public static final int FAN_OUT_CAPACITY = 128;

    /** The channel implementation: weft, jox or jdk (the JDK's queues). */
    @Param({"weft", "jox", "jdk"})
    public String impl;

    /** Go's pingpong: unbuffered round trips with an echo thread. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPong() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.pingPong(impl, builder(), ROUND_TRIPS));
    }

    /** Go's skynet: 1M threads summing up a tree of 10. */
    @Benchmark
    @OperationsPerInvocation(SKYNET)
    public long skynet() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.skynet(impl, builder(), SKYNET, SKYNET_DIV));
    }

    /** Go's concurrent prime sieve, to the 3000th prime. */
    @Benchmark
    @OperationsPerInvocation(PRIMES)
    public int sieve() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.sieve(impl, builder(), PRIMES));
    }

    /** Go's fanout: 8 workers between two channels of capacity 128. */
    @Benchmark
    @OperationsPerInvocation(FAN_OUT)
    public long fanOut() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.fanOut(impl, builder(), FAN_OUT, FAN_OUT_WORKERS, FAN_OUT_CAPACITY));
    }
}

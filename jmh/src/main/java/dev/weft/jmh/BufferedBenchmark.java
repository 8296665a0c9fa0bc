package dev.weft.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Buffered producer/consumer over one channel of {@code capacity}, 1 producer and 1 consumer or
 * 4 and 4 ({@link ChannelWorkloads#buffered}); 100k values, ns per value.
 * <pre>java -jar jmh/target/benchmarks.jar BufferedBenchmark -p capacity=16</pre>
 */
@State(Scope.Benchmark)
public class BufferedBenchmark extends OnScheduler {
    /** Values per op. */
    public static final int VALUES = 100_000;

    /** The channel implementation: weft, jox or jdk (the JDK's queues). */
    @Param({"weft", "jox", "jdk"})
    public String impl;

    /** The channel's capacity. */
    @Param({"1", "16", "128"})
    public int capacity;

    /** One producer, one consumer. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long buffered1x1() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.buffered(impl, builder(), VALUES, 1, 1, capacity));
    }

    /** Four producers, four consumers. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long buffered4x4() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.buffered(impl, builder(), VALUES, 4, 4, capacity));
    }
}

package dev.weft.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Go's {@code selectLoop}: a producer spreads 100k values over 2 or 4 buffered channels
 * (capacity 64) and main receives them with a select over all of them
 * ({@link ChannelWorkloads#select}); ns per value. weft and jox only: the JDK has no select.
 * <pre>java -jar jmh/target/benchmarks.jar SelectBenchmark -p scheduler=weft</pre>
 */
@State(Scope.Benchmark)
public class SelectBenchmark extends OnScheduler {
    /** Values per op (Go: {@code select 100000}, {@code select4 100000}). */
    public static final int VALUES = 100_000;

    /** The channel implementation: weft or jox. */
    @Param({"weft", "jox"})
    public String impl;

    /** Go's selectLoop over 2 channels. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long select2() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.select(impl, builder(), VALUES, 2));
    }

    /** The same over 4 channels. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long select4() throws InterruptedException {
        return onMain(() -> ChannelWorkloads.select(impl, builder(), VALUES, 4));
    }
}

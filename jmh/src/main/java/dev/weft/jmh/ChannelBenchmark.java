package dev.weft.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channel hand-offs between virtual threads, the same code over weft, jox and the JDK's
 * queues, on weft's scheduler or the JDK's default one:
 * <ul>
 *   <li>{@code pingPong}: two unbuffered channels, one round trip per op (Go's pingpong).</li>
 *   <li>{@code buffered1x1}: one producer, one consumer, a buffered channel of {@code capacity};
 *       one value per op.</li>
 * </ul>
 * <pre>java -jar jmh/target/benchmarks.jar ChannelBenchmark -p scheduler=weft -p gomaxprocs=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ChannelBenchmark extends OnScheduler {
    static final int ROUND_TRIPS = 10_000;
    static final int VALUES = 100_000;

    @Param({"weft", "jox", "jdk"})
    public String impl;

    @Param({"128"})
    public int capacity;

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPong() throws InterruptedException {
        Pipe<Integer> ping = Pipe.of(impl, 0);
        Pipe<Integer> pong = Pipe.of(impl, 0);
        long[] sum = new long[1];
        Thread echo = builder().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    pong.send(ping.receive() + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread main = builder().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    ping.send(i);
                    sum[0] += pong.receive();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        main.join();
        echo.join();
        return sum[0];
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long buffered1x1() throws InterruptedException {
        Pipe<Integer> pipe = Pipe.of(impl, capacity);
        long[] sum = new long[1];
        Thread consumer = builder().start(() -> {
            try {
                for (int i = 0; i < VALUES; i++) {
                    sum[0] += pipe.receive();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread producer = builder().start(() -> {
            try {
                for (int i = 0; i < VALUES; i++) {
                    pipe.send(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.join();
        consumer.join();
        return sum[0];
    }
}

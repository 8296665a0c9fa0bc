package dev.weft.jmh.compare;

import dev.weft.jmh.BufferedBenchmark;
import dev.weft.jmh.ChannelBenchmark;
import dev.weft.jmh.JdkClassesBenchmark;
import dev.weft.jmh.SchedulerBenchmark;
import dev.weft.jmh.SelectBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One row of the comparison: a JMH benchmark method (with fixed parameters), what one of its
 * operations is, and the Go workload of the same shape, if there is one.
 *
 * @param label what the row shows
 * @param op what one operation is (the unit of ns/op, Go's too)
 * @param benchmark the JMH benchmark, {@code Class.method}
 * @param params fixed JMH parameters of this row (e.g. {@code capacity=16}), besides scheduler,
 *        impl and gomaxprocs
 * @param channels whether it runs on channels (then jox has a column, and the JDK's queues
 *        stand in for channels); otherwise only the scheduler differs (unchanged JDK code)
 * @param jdkHasIt false when the JDK has no counterpart (select)
 * @param go the Go workload's arguments ({@code "pingpong 10000"}), or null
 * @param goTarget whether the target "within 1.3x of Go" applies
 */
public record Workload(
        String label,
        String op,
        String benchmark,
        Map<String, String> params,
        boolean channels,
        boolean jdkHasIt,
        String go,
        boolean goTarget) {

    /** The target: weft within this factor of Go's time. */
    public static final double GO_TARGET = 1.3;

    /** The JMH benchmark's full name, as in its results. */
    public String fullName() {
        return "dev.weft.jmh." + benchmark;
    }

    /** Whether this row has a figure for {@code column}. */
    public boolean has(Column column) {
        return switch (column) {
            case WEFT -> true;
            case JDK, JDK_ON_WEFT -> jdkHasIt;
            case JOX, JOX_ON_WEFT -> channels;
            case GO -> go != null;
        };
    }

    /**
     * Every row, in the table's order: the scheduler on its own, the JDK's concurrency classes
     * ({@code JdkClassesBenchmark}), then channels.
     */
    public static List<Workload> all() {
        List<Workload> all = new ArrayList<>();
        all.add(new Workload(
                "ping-pong, LockSupport park/unpark",
                "round trip",
                "PingPongBenchmark.pingPong",
                Map.of(),
                false,
                true,
                null,
                false));
        all.add(new Workload(
                "start and join " + k(SchedulerBenchmark.THREADS) + " threads",
                "thread",
                "SchedulerBenchmark.startJoin",
                Map.of(),
                false,
                true,
                "spawn " + SchedulerBenchmark.THREADS,
                false));
        all.add(new Workload(
                "yield storm, " + SchedulerBenchmark.YIELDERS + " threads x " + SchedulerBenchmark.YIELDS,
                "yield",
                "SchedulerBenchmark.yieldStorm",
                Map.of(),
                false,
                true,
                "yield " + SchedulerBenchmark.YIELDERS * SchedulerBenchmark.YIELDS,
                false));
        all.add(new Workload(
                k(SchedulerBenchmark.SLEEPERS) + " threads sleep 1 ms x " + SchedulerBenchmark.SLEEPS,
                "sleep",
                "SchedulerBenchmark.sleepers",
                Map.of(),
                false,
                true,
                "sleep " + SchedulerBenchmark.SLEEPERS * SchedulerBenchmark.SLEEPS,
                false));
        all.add(new Workload(
                "fan-out of " + k(SchedulerBenchmark.TASKS) + " tasks to " + SchedulerBenchmark.WORKERS + " threads",
                "task",
                "SchedulerBenchmark.fanOutTasks",
                Map.of(),
                false,
                true,
                null,
                false));
        all.add(new Workload(
                "ReentrantLock counter, " + JdkClassesBenchmark.LOCKERS + " threads x "
                        + k(JdkClassesBenchmark.INCREMENTS),
                "increment",
                "JdkClassesBenchmark.lockCounter",
                Map.of(),
                false,
                true,
                null,
                false));
        all.add(new Workload(
                "CompletableFuture, " + JdkClassesBenchmark.CHAINS + " chains x " + JdkClassesBenchmark.STAGES
                        + " async stages",
                "stage",
                "JdkClassesBenchmark.completableFutures",
                Map.of(),
                false,
                true,
                null,
                false));
        all.add(new Workload(
                "Exchanger ping-pong",
                "exchange",
                "JdkClassesBenchmark.exchanger",
                Map.of(),
                false,
                true,
                null,
                false));
        for (String shape : List.of("1x1", "4x4")) {
            // Go's buffered producer/consumer of the same shape: a buffered channel is Go's bounded queue
            all.add(new Workload(
                    "LinkedBlockingQueue " + shape + ", capacity " + JdkClassesBenchmark.CAPACITY,
                    "value",
                    "JdkClassesBenchmark.linkedBlockingQueue" + shape,
                    Map.of(),
                    false,
                    true,
                    "buffered" + shape + "-" + JdkClassesBenchmark.CAPACITY + " " + JdkClassesBenchmark.VALUES,
                    false));
        }
        all.add(new Workload(
                "ping-pong, unbuffered channels",
                "round trip",
                "ChannelBenchmark.pingPong",
                Map.of(),
                true,
                true,
                "pingpong " + ChannelBenchmark.ROUND_TRIPS,
                true));
        all.add(new Workload(
                "skynet, " + k(ChannelBenchmark.SKYNET) + " threads",
                "thread",
                "ChannelBenchmark.skynet",
                Map.of(),
                true,
                true,
                "skynet " + ChannelBenchmark.SKYNET,
                true));
        all.add(new Workload(
                "prime sieve, " + ChannelBenchmark.PRIMES + " primes",
                "prime",
                "ChannelBenchmark.sieve",
                Map.of(),
                true,
                true,
                "sieve " + ChannelBenchmark.PRIMES,
                true));
        all.add(new Workload(
                "fan-out/fan-in, " + ChannelBenchmark.FAN_OUT_WORKERS + " workers, capacity "
                        + ChannelBenchmark.FAN_OUT_CAPACITY,
                "value",
                "ChannelBenchmark.fanOut",
                Map.of(),
                true,
                true,
                "fanout " + ChannelBenchmark.FAN_OUT,
                true));
        all.add(new Workload(
                "select over 2 channels",
                "value",
                "SelectBenchmark.select2",
                Map.of(),
                true,
                false,
                "select " + SelectBenchmark.VALUES,
                true));
        all.add(new Workload(
                "select over 4 channels",
                "value",
                "SelectBenchmark.select4",
                Map.of(),
                true,
                false,
                "select4 " + SelectBenchmark.VALUES,
                true));
        for (String shape : List.of("1x1", "4x4")) {
            for (String capacity : List.of("1", "16", "128")) {
                all.add(new Workload(
                        "buffered " + shape + ", capacity " + capacity,
                        "value",
                        "BufferedBenchmark.buffered" + shape,
                        Map.of("capacity", capacity),
                        true,
                        true,
                        "buffered" + shape + "-" + capacity + " " + BufferedBenchmark.VALUES,
                        false));
            }
        }
        return all;
    }

    private static String k(int n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n);
    }
}

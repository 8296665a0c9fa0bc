package dev.weft.jmh;

import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The scheduler on its own (the same code on weft and on the JDK's default scheduler, JDK
 * primitives only; see {@link SchedulerWorkloads}), ns per operation:
 * <ul>
 *   <li>{@code startJoin}: start and join 100k short virtual threads (op: one thread).</li>
 *   <li>{@code yieldStorm}: 1000 virtual threads yield 100 times each (op: one yield).</li>
 *   <li>{@code sleepers}: 10k virtual threads sleep 1 ms, 10 times each (op: one sleep; the
 *       floor is 10 ms per invocation, 100 ns per op).</li>
 *   <li>{@code fanOutTasks}: 1M tiny tasks fanned out to 8 virtual threads (op: one task).</li>
 * </ul>
 * The LockSupport ping-pong is {@link PingPongBenchmark}.
 * <pre>java -jar jmh/target/benchmarks.jar SchedulerBenchmark -p gomaxprocs=2</pre>
 */
@State(Scope.Benchmark)
public class SchedulerBenchmark extends OnScheduler {
    /** Threads started and joined per op of {@link #startJoin}. */
    public static final int THREADS = 100_000;
    /** Threads of the yield storm. */
    public static final int YIELDERS = 1000;
    /** Yields per thread of the yield storm. */
    public static final int YIELDS = 100;
    /** Threads of {@link #sleepers}. */
    public static final int SLEEPERS = 10_000;
    /** Sleeps of 1 ms per thread of {@link #sleepers}. */
    public static final int SLEEPS = 10;
    /** Tasks fanned out per op of {@link #fanOutTasks}. */
    public static final int TASKS = 1_000_000;
    /** Threads the tasks are fanned out to. */
    public static final int WORKERS = 8;

    /** Start and join 100k short virtual threads. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public long startJoin() throws InterruptedException {
        return onMain(() -> SchedulerWorkloads.startJoin(builder(), THREADS));
    }

    /** 1000 threads yield 100 times each. */
    @Benchmark
    @OperationsPerInvocation(YIELDERS * YIELDS)
    public long yieldStorm() throws InterruptedException {
        return onMain(() -> SchedulerWorkloads.yieldStorm(builder(), YIELDERS, YIELDS));
    }

    /** 10k threads sleep 1 ms, 10 times each. */
    @Benchmark
    @OperationsPerInvocation(SLEEPERS * SLEEPS)
    public long sleepers() throws InterruptedException {
        return onMain(() -> SchedulerWorkloads.sleepers(builder(), SLEEPERS, SLEEPS, Duration.ofMillis(1)));
    }

    /** 1M tiny tasks through a queue to 8 threads. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long fanOutTasks() throws InterruptedException {
        return onMain(() -> SchedulerWorkloads.fanOutTasks(builder(), TASKS, WORKERS));
    }
}

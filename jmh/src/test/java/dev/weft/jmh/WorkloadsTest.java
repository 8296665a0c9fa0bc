package dev.weft.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.scheduler.GoScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every benchmark workload, small, on each implementation and scheduler: each checks its own
 * result (a lost or duplicated value throws), so a broken port fails here, not in a long JMH run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkloadsTest {
    private static final GoScheduler WEFT1 = GoScheduler.create(1);
    private static final GoScheduler WEFT2 = GoScheduler.create(2);

    @AfterAll
    static void close() {
        WEFT1.close();
        WEFT2.close();
    }

    /** Scheduler (weft with 1 or 2 Ps, or the JDK's) x channel implementation. */
    static Stream<Arguments> setups() {
        List<Arguments> all = new ArrayList<>();
        for (String impl : List.of("weft", "jox", "jdk")) {
            all.add(Arguments.of("weft1", impl));
            all.add(Arguments.of("weft2", impl));
            all.add(Arguments.of("jdk", impl));
        }
        return all.stream();
    }

    static Stream<Arguments> selectSetups() {
        return setups().filter(a -> !a.get()[1].equals("jdk"));
    }

    private static Thread.Builder.OfVirtual builder(String scheduler) {
        return switch (scheduler) {
            case "weft1" -> WEFT1.virtualThreadBuilder();
            case "weft2" -> WEFT2.virtualThreadBuilder();
            default -> Thread.ofVirtual();
        };
    }

    private static <T> T run(String scheduler, Callable<T> main) throws InterruptedException {
        return OnScheduler.onMain(builder(scheduler), main);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void pingPong(String scheduler, String impl) throws Exception {
        assertEquals(500L * 501 / 2, run(scheduler, () -> ChannelWorkloads.pingPong(impl, builder(scheduler), 500)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void skynet(String scheduler, String impl) throws Exception {
        assertEquals(
                10_000L * 9_999 / 2,
                run(scheduler, () -> ChannelWorkloads.skynet(impl, builder(scheduler), 10_000, 10)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void sieveFindsThe100thPrime(String scheduler, String impl) throws Exception {
        assertEquals(541, run(scheduler, () -> ChannelWorkloads.sieve(impl, builder(scheduler), 100)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void fanOut(String scheduler, String impl) throws Exception {
        assertEquals(
                5000L * 4999, run(scheduler, () -> ChannelWorkloads.fanOut(impl, builder(scheduler), 5000, 8, 128)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void buffered(String scheduler, String impl) throws Exception {
        for (int capacity : new int[] {1, 16, 128}) {
            assertEquals(
                    4000L * 3999 / 2,
                    run(scheduler, () -> ChannelWorkloads.buffered(impl, builder(scheduler), 4000, 1, 1, capacity)));
            assertEquals(
                    4000L * 3999 / 2,
                    run(scheduler, () -> ChannelWorkloads.buffered(impl, builder(scheduler), 4000, 4, 4, capacity)));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("selectSetups")
    void select(String scheduler, String impl) throws Exception {
        assertEquals(
                5000L * 4999 / 2, run(scheduler, () -> ChannelWorkloads.select(impl, builder(scheduler), 5000, 2)));
        assertEquals(
                5000L * 4999 / 2, run(scheduler, () -> ChannelWorkloads.select(impl, builder(scheduler), 5000, 4)));
    }

    @Test
    void theJdkHasNoSelect() {
        @SuppressWarnings("unchecked") // a generic array holding one Pipe<Integer>
        Pipe<Integer>[] pipes = (Pipe<Integer>[]) new Pipe<?>[] {Pipe.of("jdk", 1)};
        assertThrows(UnsupportedOperationException.class, () -> Pipe.selectReceive(pipes));
    }

    @Test
    void anUnknownImplementationIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipe.of("chronicle", 0));
        assertEquals("impl must be weft, jox or jdk, got chronicle", e.getMessage());
    }

    /** The JDK pipe's close reaches every receiver, each seeing the buffered values first. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void closeReachesEveryReceiverAfterTheBufferedValues(String impl) throws Exception {
        Pipe<Integer> pipe = Pipe.of(impl, 16);
        for (int i = 0; i < 10; i++) {
            pipe.send(i);
        }
        pipe.close();
        AtomicInteger received = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4);
        for (int r = 0; r < 4; r++) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (pipe.receiveOrNull() != null) {
                        received.incrementAndGet();
                    }
                    done.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertEquals(true, done.await(10, TimeUnit.SECONDS), "a receiver never saw the close");
        assertEquals(10, received.get());
        assertNull(pipe.receiveOrNull());
    }

    static Stream<String> impls() {
        return Stream.of("weft", "jox", "jdk");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void schedulerWorkloads(String scheduler) throws Exception {
        Thread.Builder.OfVirtual go = builder(scheduler);
        assertEquals(2000L, run(scheduler, () -> SchedulerWorkloads.startJoin(go, 2000)));
        assertEquals(50L * 20, run(scheduler, () -> SchedulerWorkloads.yieldStorm(go, 50, 20)));
        assertEquals(100L * 3, run(scheduler, () -> SchedulerWorkloads.sleepers(go, 100, 3, Duration.ofMillis(1))));
        assertEquals(10_000L * 9_999 / 2, run(scheduler, () -> SchedulerWorkloads.fanOutTasks(go, 10_000, 8)));
        assertEquals(0, PingPongBenchmark.pingPong(go, 1000));
    }

    static Stream<String> schedulers() {
        return Stream.of("weft1", "weft2", "jdk");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void jdkClassesWorkloads(String scheduler) throws Exception {
        Thread.Builder.OfVirtual go = builder(scheduler);
        assertEquals(4L * 2000, run(scheduler, () -> JdkWorkloads.lockCounter(go, 4, 2000)));
        assertEquals(3L * 49, run(scheduler, () -> JdkWorkloads.completableFutures(go, 3, 50)));
        assertEquals(1000L * 999 / 2, run(scheduler, () -> JdkWorkloads.exchanger(go, 1000)));
        assertEquals(4000L * 3999 / 2, run(scheduler, () -> JdkWorkloads.linkedBlockingQueue(go, 4000, 1, 1, 16)));
        assertEquals(4000L * 3999 / 2, run(scheduler, () -> JdkWorkloads.linkedBlockingQueue(go, 4000, 4, 4, 16)));
        assertEquals(4000L * 3999 / 2, run(scheduler, () -> JdkWorkloads.linkedBlockingQueue(go, 4000, 4, 4, 1)));
    }

    /** Without weft's agent (this JVM has none), scheduler=agent refuses, naming the missing flag. */
    @Test
    void theAgentSchedulerRefusesToRunWithoutTheAgent() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Schedulers("agent", 2));
        assertEquals(
                "scheduler=agent needs weft's agent: the JDK default scheduler is java.util.concurrent.ForkJoinPool, "
                        + "not dev.weft.scheduler.engine.JdkScheduler; run the JVM with "
                        + "-javaagent:agent/target/weft-agent.jar -Dgomaxprocs=2 (jmh/compare adds them)",
                e.getMessage());
    }

    /** weft's scheduler with another gomaxprocs than the benchmark's is refused too. */
    @Test
    void theAgentSchedulerRefusesAnotherGomaxprocs() {
        Schedulers.checkAgent(Schedulers.AGENT_SCHEDULER, 2, 2);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> Schedulers.checkAgent(Schedulers.AGENT_SCHEDULER, 2, 1));
        assertEquals(
                "scheduler=agent: weft's global scheduler has gomaxprocs=2, the benchmark wants 1; run the JVM "
                        + "with -Dgomaxprocs=1",
                e.getMessage());
    }

    @Test
    void anUnknownSchedulerIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Schedulers("loom", 1));
        assertEquals("scheduler must be weft, jdk or agent, got loom", e.getMessage());
    }

    @Test
    void aFailingWorkloadFailsTheRun() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> run("weft1", () -> {
                    ChannelWorkloads.check(false, "test sum", 41);
                    return 0;
                }));
        assertEquals(
                "wrong test sum: 41 (the workload lost or duplicated values)",
                e.getCause().getMessage());
    }
}

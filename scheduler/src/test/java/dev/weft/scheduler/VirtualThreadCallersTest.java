package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.SchedulerMBean;
import dev.weft.test.support.ExpectedLog;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every public entry point of the scheduler called from many weft virtual threads at once
 * (issue 11, part 1). Since JDK 24 a virtual thread that meets a contended monitor unmounts and
 * may resume on another carrier, so a scheduler lock taken on a virtual thread can deadlock with
 * the carriers that take it too, and a {@code Carrier} captured before the lock is stale after
 * it. Each test runs many rounds with a fresh scheduler, at gomaxprocs 1 and 2, with many
 * callers at once: the {@code blocking} one hung or killed a carrier within ~60 rounds before
 * the fix.
 */
@Timeout(180)
class VirtualThreadCallersTest {
    private static final int CALLERS = 20;
    private static final long ROUND_TIMEOUT_SECONDS = 20;

    /** Fails with every thread's stack when a round does not end: the hang this test is for. */
    private static void awaitRound(CountDownLatch done, GoScheduler s, int round, List<Throwable> errors)
            throws InterruptedException {
        if (!done.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            StringBuilder dump = new StringBuilder();
            for (Map.Entry<Thread, StackTraceElement[]> e :
                    Thread.getAllStackTraces().entrySet()) {
                if (e.getKey().getName().startsWith(s.name())) {
                    dump.append(e.getKey())
                            .append(' ')
                            .append(e.getKey().getState())
                            .append('\n');
                    for (StackTraceElement f : e.getValue()) {
                        dump.append("    at ").append(f).append('\n');
                    }
                }
            }
            for (Goroutine g : Goroutines.find()) {
                if (g.scheduler().equals(s.name())) {
                    dump.append(g).append('\n');
                }
            }
            fail("round " + round + " of " + s.name() + " did not end in " + ROUND_TIMEOUT_SECONDS + " s: "
                    + done.getCount() + " callers left; stats " + s.stats() + "\n" + dump);
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("round " + round + ": " + errors.size() + " callers failed");
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Runs {@code call} on {@link #CALLERS} virtual threads of a fresh scheduler, {@code rounds} times. */
    private static void manyRounds(int procs, int rounds, Callable<?> call) throws Exception {
        for (int round = 0; round < rounds; round++) {
            GoScheduler s = GoScheduler.create(procs);
            try {
                CountDownLatch done = new CountDownLatch(CALLERS);
                List<Throwable> errors = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    s.go(() -> {
                        try {
                            call.call();
                        } catch (Throwable e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                }
                awaitRound(done, s, round, errors);
            } finally {
                s.shutdown(); // not close(): a hung scheduler must fail the test, not hang it
                if (!s.awaitTermination(java.time.Duration.ofSeconds(ROUND_TIMEOUT_SECONDS))) {
                    awaitRound(new CountDownLatch(1), s, round, List.of()); // fails with the stacks
                }
            }
        }
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void blockingWithAnEmptyBody(int procs) throws Exception {
        manyRounds(procs, 300, () -> GoScheduler.blocking(() -> null));
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void blockingThatSleeps(int procs) throws Exception {
        manyRounds(
                procs,
                150,
                () -> GoScheduler.blocking(() -> {
                    Thread.sleep(1);
                    return null;
                }));
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void blockingThatReadsAFile(int procs) throws Exception {
        Path file = Files.createTempFile("weft-blocking", ".txt");
        try {
            Files.writeString(file, "hello");
            manyRounds(procs, 200, () -> {
                String text = GoScheduler.blocking(() -> Files.readString(file));
                assertEquals("hello", text);
                return null;
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void nestedBlocking(int procs) throws Exception {
        manyRounds(
                procs,
                100,
                () -> GoScheduler.blocking(() -> GoScheduler.blocking(() -> {
                    Thread.yield();
                    return null;
                })));
    }

    /** Resizing from inside: every caller resizes the scheduler it runs on, up and down. */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void gomaxprocsFromItsOwnVirtualThreads(int procs) throws Exception {
        manyRounds(procs, 150, () -> {
            GoScheduler s = GoScheduler.current().orElseThrow();
            for (int i = 0; i < 5; i++) {
                s.gomaxprocs(1 + ThreadLocalRandom.current().nextInt(4));
                Thread.yield();
            }
            s.gomaxprocs(procs);
            return null;
        });
    }

    /** Go.gosched, stats, toString and numGoroutine: the read paths, many at once. */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void goschedAndStatsFromItsOwnVirtualThreads(int procs) throws Exception {
        manyRounds(procs, 150, () -> {
            GoScheduler s = GoScheduler.current().orElseThrow();
            for (int i = 0; i < 10; i++) {
                Go.gosched();
                assertTrue(s.stats().gomaxprocs() >= 1);
                assertTrue(s.toString().contains(s.name()));
                assertTrue(s.numGoroutine() >= 1);
            }
            return null;
        });
    }

    /**
     * Start and wake from inside: each caller starts a child that it then waits for, through a
     * latch (the waker's execute runs on a virtual thread).
     */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void startAndWakeFromItsOwnVirtualThreads(int procs) throws Exception {
        manyRounds(procs, 150, () -> {
            GoScheduler s = GoScheduler.current().orElseThrow();
            CountDownLatch child = new CountDownLatch(1);
            s.go(child::countDown);
            assertTrue(child.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            return null;
        });
    }

    /**
     * Timed parks from many virtual threads at once: the JDK schedules and cancels each one's
     * timer on the virtual thread itself (sleep, parkNanos, a timed poll that a sibling ends
     * early, a timed join, an interrupted sleep).
     */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void timedParksFromItsOwnVirtualThreads(int procs) throws Exception {
        manyRounds(procs, 100, () -> {
            GoScheduler s = GoScheduler.current().orElseThrow();
            Thread.sleep(0, 1000 * ThreadLocalRandom.current().nextInt(1, 200));
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            java.util.concurrent.SynchronousQueue<Integer> q = new java.util.concurrent.SynchronousQueue<>();
            Thread giver = s.go(() -> {
                try {
                    q.put(1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(1, q.poll(1, TimeUnit.HOURS)); // ends early: its timer is cancelled
            assertTrue(giver.join(java.time.Duration.ofSeconds(ROUND_TIMEOUT_SECONDS)));
            Thread sleeper = s.go(() -> {
                try {
                    Thread.sleep(java.time.Duration.ofHours(1));
                } catch (InterruptedException expected) {
                    return;
                }
                throw new AssertionError("slept an hour?");
            });
            sleeper.interrupt();
            assertTrue(sleeper.join(java.time.Duration.ofSeconds(ROUND_TIMEOUT_SECONDS)));
            return null;
        });
    }

    /** The MXBean's writes (what a JMX console does), called in-process from virtual threads. */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void jmxWritesFromItsOwnVirtualThreads(int procs) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        int rounds = 40;
        try (ExpectedLog log = ExpectedLog.capture("INFO", "(set through JMX)")) {
            jmxWrites(server, procs, rounds);
            assertEquals(
                    rounds * CALLERS, log.lines().size(), "each write logs one INFO line, from its virtual thread");
        }
    }

    private static void jmxWrites(MBeanServer server, int procs, int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            try (GoScheduler s = GoScheduler.create(procs)) {
                ObjectName name = SchedulerMBean.objectName(s.name());
                EngineAccess.registerMBeanIfJmxStarted(s.scheduler());
                if (!server.isRegistered(name)) {
                    SchedulerMBean.register(EngineAccess.mxbean(s.scheduler()), s.name());
                }
                GoSchedulerMXBean bean = JMX.newMXBeanProxy(server, name, GoSchedulerMXBean.class);
                CountDownLatch done = new CountDownLatch(CALLERS);
                ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < CALLERS; i++) {
                    s.go(() -> {
                        try {
                            bean.setGomaxprocs(1 + ThreadLocalRandom.current().nextInt(3));
                            assertTrue(bean.getGomaxprocs() >= 1);
                        } catch (Throwable e) {
                            errors.add(e);
                        } finally {
                            done.countDown();
                        }
                    });
                }
                awaitRound(done, s, round, new ArrayList<>(errors));
            }
        }
    }

    /** shutdown() by many of its own virtual threads at once: it ends once they all do. */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void shutdownFromItsOwnVirtualThreads(int procs) throws Exception {
        for (int round = 0; round < 200; round++) {
            GoScheduler s = GoScheduler.create(procs);
            CountDownLatch allStarted = new CountDownLatch(1);
            AtomicInteger rejected = new AtomicInteger();
            for (int i = 0; i < CALLERS; i++) {
                s.go(() -> {
                    try {
                        allStarted.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    s.shutdown();
                    try {
                        s.go(() -> {});
                    } catch (java.util.concurrent.RejectedExecutionException expected) {
                        rejected.incrementAndGet();
                    }
                });
            }
            allStarted.countDown();
            if (!s.awaitTermination(java.time.Duration.ofSeconds(ROUND_TIMEOUT_SECONDS))) {
                fail("round " + round + ": " + s.name() + " did not terminate: " + s.stats());
            }
            assertEquals(CALLERS, rejected.get());
        }
    }

    /** close() on its own virtual thread would wait for itself forever: it says so instead. */
    @Test
    void closeFromItsOwnVirtualThreadIsAnError() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch done = new CountDownLatch(1);
            Throwable[] thrown = new Throwable[1];
            s.go(() -> {
                thrown[0] = assertThrows(IllegalStateException.class, s::close);
                done.countDown();
            });
            assertTrue(done.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS), "close() from its own thread hung");
            assertTrue(thrown[0].getMessage().contains("shutdown()"), thrown[0].getMessage());
            assertTrue(!s.isShutdown(), "a refused close() must not shut the scheduler down");
        }
    }

    /** Closing a scheduler from a virtual thread of another: the ordinary way, it waits. */
    @ParameterizedTest(name = "gomaxprocs={0}")
    @ValueSource(ints = {1, 2})
    void closeFromAnotherSchedulersVirtualThreads(int procs) throws Exception {
        try (GoScheduler outer = GoScheduler.create(procs)) {
            for (int round = 0; round < 40; round++) {
                CountDownLatch done = new CountDownLatch(CALLERS);
                List<Throwable> errors = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    outer.go(() -> {
                        try {
                            GoScheduler inner = GoScheduler.create(procs);
                            CountDownLatch ran = new CountDownLatch(1);
                            inner.go(ran::countDown);
                            inner.close();
                            assertTrue(inner.isTerminated());
                            assertEquals(0, ran.getCount());
                        } catch (Throwable e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                }
                awaitRound(done, outer, round, errors);
            }
        }
    }
}

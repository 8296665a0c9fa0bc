package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ParkedThreads}: listing a scheduler's virtual threads, classifying their waits, and
 * judging outside wakers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParkedThreadsTest {

    /** A weft park blocker ({@link dev.weft.scheduler.internal.WeftBlocker}), as weft's channels use. */
    static final class ChannelBlocker extends dev.weft.scheduler.internal.WeftBlocker {
        volatile boolean released;

        ChannelBlocker() {
            super(dev.weft.scheduler.internal.WaitReason.CHAN_RECEIVE);
        }
    }

    /** Waits (bounded, 10 s) until {@code condition} holds; no sleep as synchronisation. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    static void awaitState(Thread t, Thread.State state) {
        await(t.getName() + " is " + state, () -> t.getState() == state);
    }

    /**
     * The JDK starts its I/O poller threads ({@code SubPoller-n}, virtual threads in the default
     * poller mode) at the first virtual-thread I/O, with {@code Thread.ofVirtual()}: from inside a
     * weft virtual thread they would inherit that scheduler and live on it forever (then its
     * close() never returns). Start them now, from this platform thread, on the JDK's scheduler.
     */
    @BeforeAll
    static void startTheJdkPollers() throws ClassNotFoundException {
        Class.forName("sun.nio.ch.Poller", true, null);
    }

    @Test
    void enumerationIsAvailable() {
        assertTrue(ParkedThreads.available(), ParkedThreads::unavailableReason);
        assertEquals(null, ParkedThreads.unavailableReason());
    }

    @Test
    void listsAndClassifiesTheVirtualThreadsOfOneScheduler() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        ChannelBlocker blocker = new ChannelBlocker();
        Pipe pipe = Pipe.open();
        boolean[] spin = {true};
        Object spinLock = new Object();
        LinkedBlockingQueue<Thread> pooled = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Thread> children = new LinkedBlockingQueue<>();
        List<Thread> foreign = new ArrayList<>();
        List<Thread> started = new ArrayList<>();
        List<ExecutorService> pools = new ArrayList<>();
        try (GoScheduler s = GoScheduler.create(2);
                GoScheduler other = GoScheduler.create(1)) {
            try {
                Thread juc = s.virtualThreadBuilder().name("juc").start(() -> {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                Thread timed = s.virtualThreadBuilder().name("timed").start(() -> {
                    try {
                        Thread.sleep(Duration.ofSeconds(60));
                    } catch (InterruptedException e) {
                        // released by the test
                    }
                });
                Thread io = s.virtualThreadBuilder().name("io").start(() -> {
                    try {
                        pipe.source().read(ByteBuffer.allocate(1));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread weft = s.virtualThreadBuilder().name("weft").start(() -> {
                    while (!blocker.released) {
                        LockSupport.park(blocker);
                    }
                });
                started.addAll(List.of(juc, timed, io, weft));
                Thread busy = s.virtualThreadBuilder().name("busy").start(() -> {
                    for (; ; ) {
                        synchronized (spinLock) {
                            if (!spin[0]) {
                                return;
                            }
                        }
                        Thread.onSpinWait();
                    }
                });
                // a plain Thread.ofVirtual() inside a weft thread inherits the scheduler
                Thread parent =
                        s.go(() -> children.add(Thread.ofVirtual().name("child").start(() -> {
                            try {
                                latch.await();
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        })));
                parent.join(Duration.ofSeconds(10));
                Thread child = children.poll(10, TimeUnit.SECONDS);

                ExecutorService pool = s.newVirtualThreadPerTaskExecutor();
                pools.add(pool);
                {
                    for (int i = 0; i < 3; i++) {
                        pool.submit(() -> {
                            pooled.add(Thread.currentThread());
                            latch.await();
                            return null;
                        });
                    }
                    foreign.add(other.go(() -> {
                        try {
                            latch.await();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }));
                    foreign.add(Thread.ofVirtual().name("jdk-default").start(() -> {
                        try {
                            latch.await();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }));
                    await("3 pooled threads started", () -> pooled.size() == 3);

                    for (Thread t : List.of(juc, child, pooled.peek())) {
                        awaitState(t, Thread.State.WAITING);
                    }
                    awaitState(timed, Thread.State.TIMED_WAITING);
                    awaitState(io, Thread.State.WAITING);
                    awaitState(weft, Thread.State.WAITING);
                    await("weft parked on its blocker", () -> LockSupport.getBlocker(weft) == blocker);
                    for (Thread t : pooled) {
                        awaitState(t, Thread.State.WAITING);
                    }
                    for (Thread t : foreign) {
                        awaitState(t, Thread.State.WAITING);
                    }

                    Set<Thread> expected = new HashSet<>(List.of(juc, timed, io, weft, busy, child));
                    expected.addAll(pooled);
                    List<Thread> listed =
                            ParkedThreads.virtualThreadsOf(TestAccess.engine(s).jdk());
                    assertEquals(expected.size(), listed.size(), "no duplicates: " + listed);
                    assertEquals(expected, new HashSet<>(listed));
                    assertEquals(
                            Set.copyOf(foreign.subList(0, 1)),
                            Set.copyOf(ParkedThreads.virtualThreadsOf(
                                    TestAccess.engine(other).jdk())));

                    assertEquals(ParkedThreads.Wait.JUC, ParkedThreads.classify(juc));
                    assertEquals(ParkedThreads.Wait.JUC, ParkedThreads.classify(child));
                    assertEquals(ParkedThreads.Wait.TIMED, ParkedThreads.classify(timed));
                    assertEquals(
                            ParkedThreads.Wait.OTHER,
                            ParkedThreads.classify(io),
                            () -> "pipe reader: blocker " + LockSupport.getBlocker(io) + ", stack "
                                    + List.of(io.getStackTrace()));
                    assertEquals(ParkedThreads.Wait.WEFT, ParkedThreads.classify(weft));
                    assertEquals(ParkedThreads.Wait.RUNNING, ParkedThreads.classify(busy));
                    for (Thread t : pooled) {
                        assertEquals(ParkedThreads.Wait.JUC, ParkedThreads.classify(t));
                    }

                    // release everything so that the schedulers' close() returns
                    latch.countDown();
                    pool.close();
                }
                timed.interrupt();
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                blocker.released = true;
                LockSupport.unpark(weft);
                synchronized (spinLock) {
                    spin[0] = false;
                }
                for (Thread t : List.of(juc, timed, io, weft, busy, child, foreign.get(0), foreign.get(1))) {
                    assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
                }
                assertEquals(
                        List.of(),
                        ParkedThreads.virtualThreadsOf(TestAccess.engine(s).jdk()));
            } finally {
                // whatever failed, release everything so that the schedulers' close() returns
                latch.countDown();
                for (Thread t : started) {
                    t.interrupt();
                }
                blocker.released = true;
                synchronized (spinLock) {
                    spin[0] = false;
                }
                pipe.sink().close();
                pipe.source().close();
                for (ExecutorService pool : pools) {
                    pool.close();
                }
            }
        }
    }

    @Test
    void classifiesMonitorsAndObjectWait() throws Exception {
        Object monitor = new Object();
        boolean[] go = {false};
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread waiter = s.go(() -> {
                synchronized (monitor) {
                    while (!go[0]) {
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            });
            awaitState(waiter, Thread.State.WAITING);
            assertEquals(ParkedThreads.Wait.JUC, ParkedThreads.classify(waiter));
            Thread blocked;
            synchronized (monitor) {
                blocked = s.go(() -> {
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                });
                awaitState(blocked, Thread.State.BLOCKED);
                assertEquals(ParkedThreads.Wait.OTHER, ParkedThreads.classify(blocked));
                go[0] = true;
                monitor.notifyAll();
            }
            assertTrue(waiter.join(Duration.ofSeconds(10)));
            assertTrue(blocked.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void outsideThreadsThatCanStillRunCount() throws Exception {
        Set<Thread> exclude = Set.of(Thread.currentThread());
        // threads left over from other tests, not ours to judge
        Set<Thread> before = new HashSet<>(exclude);
        for (Map.Entry<Thread, StackTraceElement[]> e :
                Thread.getAllStackTraces().entrySet()) {
            before.add(e.getKey());
        }
        assertNull(ParkedThreads.outsideWaker(List.of(), before), "nothing but the excluded threads");

        CountDownLatch latch = new CountDownLatch(1);
        Thread sleeper = Thread.ofPlatform().name("sleeper").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                // released by the test
            }
        });
        Thread waiter = Thread.ofPlatform().name("latch-waiter").start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Thread daemon = Thread.ofPlatform().daemon().name("daemon-sleeper").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                // released by the test
            }
        });
        try {
            awaitState(sleeper, Thread.State.TIMED_WAITING);
            awaitState(waiter, Thread.State.WAITING);
            awaitState(daemon, Thread.State.TIMED_WAITING);
            assertNotNull(ParkedThreads.outsideWaker(List.of(), before), "a sleeping thread wakes up");
            Set<Thread> withSleeper = new HashSet<>(before);
            withSleeper.add(sleeper);
            String waker = ParkedThreads.outsideWaker(List.of(), withSleeper);
            assertTrue(waker != null && waker.contains("daemon-sleeper"), "a daemon counts as well: " + waker);
            withSleeper.add(daemon);
            assertNull(ParkedThreads.outsideWaker(List.of(), withSleeper), "a thread on an untimed latch wakes nobody");
        } finally {
            sleeper.interrupt();
            latch.countDown();
            daemon.interrupt();
            assertTrue(sleeper.join(Duration.ofSeconds(10)));
            assertTrue(waiter.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aThreadWaitingForASchedulerToEndWakesNobody() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        before.add(Thread.currentThread());
        CountDownLatch latch = new CountDownLatch(1);
        GoScheduler s = GoScheduler.create(1);
        Thread g = s.go(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitState(g, Thread.State.WAITING);
        s.shutdown();
        Thread awaiter = Thread.ofPlatform().name("awaiter").start(() -> {
            try {
                s.awaitTermination(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        try {
            awaitState(awaiter, Thread.State.TIMED_WAITING);
            assertNull(ParkedThreads.outsideWaker(List.of(), before));
        } finally {
            latch.countDown();
            assertTrue(awaiter.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aScheduledExecutorWithATaskQueuedCanWakeAndAnIdleOneCannot() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        Thread[] worker = new Thread[1];
        ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r ->
                worker[0] = Thread.ofPlatform().daemon(true).name("daemon-ses").unstarted(r));
        try {
            ses.execute(() -> {}); // starts the worker
            await("the worker started", () -> worker[0] != null);
            awaitState(worker[0], Thread.State.WAITING); // DelayedWorkQueue.take, empty
            assertNull(ParkedThreads.outsideWaker(List.of(), before), "an idle scheduled executor");
            ScheduledFuture<?> task = ses.schedule(() -> {}, 60, TimeUnit.SECONDS);
            awaitState(worker[0], Thread.State.TIMED_WAITING);
            String waker = ParkedThreads.outsideWaker(List.of(), before);
            assertTrue(waker != null && waker.contains("daemon-ses"), "a task is due in 60 s: " + waker);
            task.cancel(false);
        } finally {
            ses.shutdownNow();
            assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aVirtualThreadOfAnotherSchedulerCanWakeUnlessParkedForGood() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        Thread sleeper = Thread.ofVirtual().name("jdk-sleeper").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                // released by the test
            }
        });
        Thread waiter = Thread.ofVirtual().name("jdk-waiter").start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        try {
            awaitState(sleeper, Thread.State.TIMED_WAITING);
            awaitState(waiter, Thread.State.WAITING);
            // the JDK's own delay scheduler, which holds the sleeper's timer, is a waker too: left out here
            Set<Thread> platform = new HashSet<>(Thread.getAllStackTraces().keySet());
            String waker = ParkedThreads.outsideWaker(List.of(waiter, sleeper), platform);
            assertTrue(
                    waker != null && waker.contains("jdk-sleeper") && waker.contains("TIMED"), String.valueOf(waker));
            assertNull(
                    ParkedThreads.outsideWaker(List.of(waiter), platform), "parked on a latch: wakes nobody by itself");
        } finally {
            sleeper.interrupt();
            latch.countDown();
            assertTrue(sleeper.join(Duration.ofSeconds(10)));
            assertTrue(waiter.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void theJdkPollersAreNeitherWakersNorDeadlocked() throws Exception {
        List<Thread> pollers = new ArrayList<>();
        for (Thread t : ParkedThreads.allVirtualThreads()) {
            if (ParkedThreads.isJdkPoller(t)) {
                pollers.add(t);
            }
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (ParkedThreads.isJdkPoller(t)) {
                pollers.add(t);
            }
        }
        assertFalse(pollers.isEmpty(), "the JDK's pollers were started by startTheJdkPollers");
        Set<Thread> platform = new HashSet<>(Thread.getAllStackTraces().keySet());
        pollers.forEach(platform::remove);
        List<Thread> virtualPollers = pollers.stream().filter(Thread::isVirtual).toList();
        assertNull(ParkedThreads.outsideWaker(virtualPollers, platform), "pollers " + pollers);
    }

    /**
     * The JDK's own shutdown hooks that wake nobody (JFR's, java.util.logging's) do not count;
     * an application's does. (Under weft's agent a JFR recording silenced every deadlock report.)
     */
    @Test
    void shutdownHooksCountTheApplicationsButNotJfrsOrJavaUtilLoggings() throws Exception {
        int before = ParkedThreads.ShutdownHooks.count();
        assertTrue(before >= 0, "ApplicationShutdownHooks unreadable: " + before);
        java.util.logging.LogManager.getLogManager(); // registers LogManager$Cleaner (once per JVM)
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.start(); // registers jdk.jfr.internal.ShutdownHook (once per JVM)
            r.stop();
        }
        assertTrue(
                hookClasses().containsAll(ParkedThreads.ShutdownHooks.JDK_HOOKS_THAT_WAKE_NOBODY),
                hookClasses().toString());
        assertEquals(before, ParkedThreads.ShutdownHooks.count(), hookClasses().toString());
        Thread mine = new Thread(() -> {});
        Runtime.getRuntime().addShutdownHook(mine);
        try {
            assertEquals(before + 1, ParkedThreads.ShutdownHooks.count());
        } finally {
            Runtime.getRuntime().removeShutdownHook(mine);
        }
    }

    /** The classes of the registered application shutdown hooks (read as ParkedThreads does). */
    private static Set<String> hookClasses() throws Exception {
        Class<?> owner = Class.forName("java.lang.ApplicationShutdownHooks");
        java.lang.invoke.VarHandle hooks = java.lang.invoke.MethodHandles.privateLookupIn(
                        owner, java.lang.invoke.MethodHandles.lookup())
                .findStaticVarHandle(owner, "hooks", java.util.IdentityHashMap.class);
        Set<String> names = new HashSet<>();
        synchronized (owner) {
            for (Object h : ((java.util.IdentityHashMap<?, ?>) hooks.get()).keySet()) {
                names.add(h.getClass().getName());
            }
        }
        return names;
    }

    /** JFR's periodic-task thread napping between rounds is no waker: a recording must not silence the report. */
    @Test
    void jfrPeriodicTaskThreadNappingIsAnIdleTimedWait() throws Exception {
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.start();
            await(
                    "JFR's periodic-task thread naps",
                    () -> Thread.getAllStackTraces().entrySet().stream()
                            .anyMatch(e -> e.getKey().getName().equals("JFR Periodic Tasks")
                                    && e.getKey().getState() == Thread.State.TIMED_WAITING
                                    && ParkedThreads.idleTimedWait(e.getValue())));
            r.stop();
        }
    }

    /**
     * A platform thread in an executor's {@code close()} (the default method, and a
     * virtual-thread-per-task executor's) waits for the executor's threads with one-day timed
     * waits: no waker. A timed wait of its own is one.
     */
    @Test
    void aPlatformThreadClosingAnExecutorWaitsForOthersOnly() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread virtualTasksCloser = Thread.ofPlatform().start(() -> {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                ex.submit(() -> {
                    release.await();
                    return null;
                });
            }
        });
        Thread platformCloser = Thread.ofPlatform().start(() -> {
            try (ExecutorService ex = Executors.newFixedThreadPool(1)) {
                ex.submit(() -> {
                    release.await();
                    return null;
                });
            }
        });
        try {
            awaitState(virtualTasksCloser, Thread.State.TIMED_WAITING);
            awaitState(platformCloser, Thread.State.TIMED_WAITING);
            assertTrue(
                    ParkedThreads.idleTimedWait(virtualTasksCloser.getStackTrace()),
                    List.of(virtualTasksCloser.getStackTrace()).toString());
            assertTrue(
                    ParkedThreads.idleTimedWait(platformCloser.getStackTrace()),
                    List.of(platformCloser.getStackTrace()).toString());
            Thread sleeper = Thread.ofPlatform().start(() -> {
                try {
                    release.await(1, TimeUnit.DAYS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitState(sleeper, Thread.State.TIMED_WAITING);
            assertFalse(
                    ParkedThreads.idleTimedWait(sleeper.getStackTrace()), "a timed wait of its own wakes to something");
        } finally {
            release.countDown();
        }
        virtualTasksCloser.join();
        platformCloser.join();
    }
}

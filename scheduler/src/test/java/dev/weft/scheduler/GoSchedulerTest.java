package dev.weft.scheduler;

import static dev.weft.test.support.Await.startedThenAwait;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The public API: {@link GoScheduler}, the {@link Go} facade and {@link SchedulerStats}. */
class GoSchedulerTest {

    private static final long TIMEOUT_S = 20;

    /** The carrier's name, from a virtual thread's own {@code toString()}: "VirtualThread[#21]/runnable@weft-3-carrier-1". */
    static String carrierName() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "" : s.substring(at + 1);
    }

    /** Polls (no sleep) until {@code value} reaches {@code expected} or the deadline passes. */
    static void awaitValue(long expected, LongSupplier value, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        long v;
        while ((v = value.getAsLong()) != expected) {
            if (System.nanoTime() > deadline) {
                fail(what + ": expected " + expected + ", still " + v);
            }
            Thread.yield();
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(TIMEOUT_S, TimeUnit.SECONDS), "timed out waiting for a latch");
    }

    private static void join(Thread t) throws InterruptedException {
        assertTrue(t.join(Duration.ofSeconds(TIMEOUT_S)), () -> t + " did not end");
    }

    // ---- go / current / builders ----------------------------------------------------------------

    @Test
    void goRunsTheTaskOnAVirtualThreadCarriedByThisScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicReference<String> carrier = new AtomicReference<>();
            AtomicBoolean virtual = new AtomicBoolean();
            AtomicReference<Thread> self = new AtomicReference<>();
            Thread t = s.go(() -> {
                virtual.set(Thread.currentThread().isVirtual());
                self.set(Thread.currentThread());
                carrier.set(carrierName());
            });
            assertTrue(t.isVirtual());
            join(t);
            assertTrue(virtual.get());
            assertSame(t, self.get(), "go returns the thread that runs the task");
            assertTrue(s.name().matches("weft-\\d+"), s.name());
            assertTrue(carrier.get().startsWith(s.name() + "-carrier-"), carrier.get());
        }
    }

    @Test
    void eachSchedulerHasItsOwnNameAndCarriers() throws Exception {
        try (GoScheduler a = GoScheduler.create(1);
                GoScheduler b = GoScheduler.create(1)) {
            assertNotEquals(a.name(), b.name());
            AtomicReference<String> ca = new AtomicReference<>();
            AtomicReference<String> cb = new AtomicReference<>();
            join(a.go(() -> ca.set(carrierName())));
            join(b.go(() -> cb.set(carrierName())));
            assertTrue(ca.get().startsWith(a.name() + "-carrier-"), ca.get());
            assertTrue(cb.get().startsWith(b.name() + "-carrier-"), cb.get());
            assertTrue(a.toString().startsWith("GoScheduler[" + a.name() + " gomaxprocs=1 "), a.toString());
        }
    }

    @Test
    void currentIsThisSchedulerInsideAndEmptyOutside() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            assertEquals(Optional.empty(), GoScheduler.current(), "a platform thread has no GoScheduler");
            AtomicReference<Optional<GoScheduler>> inside = new AtomicReference<>();
            join(s.go(() -> inside.set(GoScheduler.current())));
            assertSame(s, inside.get().orElseThrow());

            AtomicReference<Optional<GoScheduler>> jdkDefault = new AtomicReference<>();
            Thread plain = Thread.ofVirtual().start(() -> jdkDefault.set(GoScheduler.current()));
            join(plain);
            assertEquals(Optional.empty(), jdkDefault.get(), "a virtual thread of the JDK's scheduler");
        }
    }

    @Test
    void virtualThreadBuilderNamesThreadsAndRunsThemHere() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread.Builder.OfVirtual builder = s.virtualThreadBuilder().name("worker-", 7);
            List<String> names = new CopyOnWriteArrayList<>();
            List<GoScheduler> schedulers = new CopyOnWriteArrayList<>();
            Runnable task = () -> {
                names.add(Thread.currentThread().getName());
                schedulers.add(GoScheduler.current().orElse(null));
            };
            Thread t1 = builder.start(task);
            Thread t2 = builder.unstarted(task);
            assertEquals(Thread.State.NEW, t2.getState());
            t2.start();
            join(t1);
            join(t2);
            assertEquals("worker-7", t1.getName());
            assertEquals("worker-8", t2.getName());
            assertEquals(
                    List.of("worker-7", "worker-8"), names.stream().sorted().toList());
            assertEquals(List.of(s, s), schedulers);

            // a fresh builder each time: the counter of one does not leak into another
            Thread other = s.virtualThreadBuilder().name("solo").start(() -> {});
            join(other);
            assertEquals("solo", other.getName());
        }
    }

    @Test
    void virtualThreadFactoryMakesUnstartedThreadsOfThisScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            ThreadFactory f = s.virtualThreadFactory();
            assertSame(f, s.virtualThreadFactory());
            AtomicReference<GoScheduler> ran = new AtomicReference<>();
            Thread t = f.newThread(() -> ran.set(GoScheduler.current().orElse(null)));
            assertTrue(t.isVirtual());
            assertEquals(Thread.State.NEW, t.getState());
            assertEquals(0, s.numGoroutine(), "an unstarted thread is not a goroutine");
            t.start();
            join(t);
            assertSame(s, ran.get());
        }
    }

    @Test
    void virtualThreadPerTaskExecutorRunsAThousandTasksOnThisScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            LongAdder sum = new LongAdder();
            AtomicInteger foreign = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            try (ExecutorService ex = s.newVirtualThreadPerTaskExecutor()) {
                for (int i = 1; i <= 1000; i++) {
                    int n = i;
                    futures.add(ex.submit(() -> {
                        if (!Thread.currentThread().isVirtual()
                                || GoScheduler.current().orElse(null) != s) {
                            foreign.incrementAndGet();
                        }
                        sum.add(n);
                    }));
                }
            } // close waits for the tasks
            assertEquals(500_500, sum.sum());
            assertEquals(0, foreign.get(), "tasks that ran elsewhere");
            for (Future<?> f : futures) {
                assertTrue(f.isDone());
                assertEquals(Future.State.SUCCESS, f.state());
            }
            assertFalse(s.isShutdown(), "closing the executor does not close the scheduler");
            awaitValue(0, s::numGoroutine, "numGoroutine after the executor closed");
        }
    }

    // ---- gomaxprocs -----------------------------------------------------------------------------

    @Test
    void gomaxprocsQueriesAndResizesReturningThePreviousSize() throws Exception {
        try (GoScheduler s = GoScheduler.create(3)) {
            assertEquals(3, s.gomaxprocs());
            assertEquals(3, s.gomaxprocs(0), "0 only queries");
            assertEquals(3, s.gomaxprocs(-1), "negative only queries");
            assertEquals(3, s.gomaxprocs(Integer.MIN_VALUE), "negative only queries");
            assertEquals(3, s.gomaxprocs());

            assertEquals(3, s.gomaxprocs(5));
            assertEquals(5, s.gomaxprocs());
            assertEquals(5, s.stats().gomaxprocs());
            assertEquals(5, s.stats().localQueues().length);

            assertEquals(5, s.gomaxprocs(5), "same size: returns it, no change");
            assertEquals(5, s.gomaxprocs(1));
            assertEquals(1, s.gomaxprocs(0));
            assertEquals(1, s.stats().localQueues().length);
            assertEquals(1, s.gomaxprocs(GoScheduler.MAX_GOMAXPROCS));
            assertEquals(GoScheduler.MAX_GOMAXPROCS, s.gomaxprocs(2));
            assertEquals(2, s.gomaxprocs());

            // it still runs goroutines after all that
            AtomicInteger ran = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ts.add(s.go(ran::incrementAndGet));
            }
            for (Thread t : ts) {
                join(t);
            }
            assertEquals(50, ran.get());
        }
    }

    // ---- stats ----------------------------------------------------------------------------------

    @Test
    void statsOfAFreshSchedulerAreZeroWithAllPsIdle() {
        try (GoScheduler s = GoScheduler.create(4)) {
            SchedulerStats st = s.stats();
            assertEquals(4, st.gomaxprocs());
            assertEquals(4, st.idleProcs());
            assertEquals(0, st.carriers(), "carriers start lazily");
            assertEquals(0, st.spinning());
            assertEquals(0, st.idleCarriers());
            assertEquals(0, st.globalQueue());
            assertArrayEquals(new int[] {0, 0, 0, 0}, st.localQueues());
            assertEquals(0, st.steals());
            assertEquals(0, st.liveGoroutines());
            assertEquals(0, st.queuedTasks());
            assertEquals(
                    "gomaxprocs=4 idleprocs=4 threads=0 spinningthreads=0 idlethreads=0 runqueue=0"
                            + " [0 0 0 0] steals=0 goroutines=0 handoffs=0",
                    st.toString());
        }
    }

    @Test
    void numGoroutineCountsParkedVirtualThreadsUntilTheyEnd() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            int n = 64;
            CountDownLatch started = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ts.add(s.go(startedThenAwait(started, release)));
            }
            await(started);
            for (Thread t : ts) { // all parked, none running
                awaitValue(1, () -> t.getState() == Thread.State.WAITING ? 1 : 0, t + " parked");
            }
            assertEquals(n, s.numGoroutine());
            SchedulerStats st = s.stats();
            assertEquals(n, st.liveGoroutines());
            assertEquals(2, st.gomaxprocs());
            assertEquals(2, st.localQueues().length);
            assertTrue(st.carriers() >= 1, st.toString()); // may exceed gomaxprocs: idle Ms, as in Go
            assertTrue(st.idleProcs() >= 0 && st.idleProcs() <= 2, st.toString());
            assertTrue(
                    st.toString()
                            .matches("gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+"
                                    + " idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+] steals=\\d+ goroutines=" + n
                                    + " handoffs=0"),
                    st.toString());

            release.countDown();
            for (Thread t : ts) {
                join(t);
            }
            awaitValue(0, s::numGoroutine, "numGoroutine after every thread ended");
            awaitValue(2, () -> s.stats().idleProcs(), "idle Ps once nothing runs");
            assertEquals(0, s.stats().queuedTasks());
        }
    }

    @Test
    void numGoroutineStaysExactWhenJoinRacesWithStart() throws Exception {
        // a joiner that calls join() the moment the thread is alive, i.e. while start() may still be
        // on its way into the scheduler
        int n = 5_000;
        GoScheduler s = GoScheduler.create(2);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            AtomicReference<Thread> next = new AtomicReference<>();
            AtomicInteger joined = new AtomicInteger();
            Thread joiner = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    Thread t = next.getAndSet(null);
                    if (t == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    while (t.getState() == Thread.State.NEW) {
                        Thread.onSpinWait();
                    }
                    try {
                        if (t.join(Duration.ofSeconds(TIMEOUT_S))) {
                            joined.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            for (int i = 0; i < n; i++) {
                Thread t = s.virtualThreadBuilder().unstarted(() -> {});
                next.set(t);
                t.start();
                awaitValue(1, () -> next.get() == null ? 1 : 0, "joiner took the thread");
            }
            awaitValue(n, joined::get, "threads joined");
            stop.set(true);
            joiner.join();
            awaitValue(0, s::numGoroutine, "numGoroutine after every thread ended");
        } finally {
            stop.set(true);
            s.shutdown();
        }
        assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)), () -> "never terminates: " + s);
    }

    @Test
    void schedulerStatsIsAValueWithACopiedArrayAndGosSchedtraceShape() {
        int[] local = {1, 2, 0};
        SchedulerStats st = new SchedulerStats(3, 1, 4, 1, 2, 5, local, 7, 9);
        local[0] = 100; // the record owns its copy
        assertArrayEquals(new int[] {1, 2, 0}, st.localQueues());
        st.localQueues()[1] = 100; // the accessor hands out a copy
        assertArrayEquals(new int[] {1, 2, 0}, st.localQueues());
        assertEquals(8, st.queuedTasks());
        assertEquals(
                "gomaxprocs=3 idleprocs=1 threads=4 spinningthreads=1 idlethreads=2 runqueue=5"
                        + " [1 2 0] steals=7 goroutines=9 handoffs=0",
                st.toString());

        SchedulerStats same = new SchedulerStats(3, 1, 4, 1, 2, 5, new int[] {1, 2, 0}, 7, 9);
        assertEquals(st, same);
        assertEquals(st.hashCode(), same.hashCode());
        assertNotEquals(st, new SchedulerStats(3, 1, 4, 1, 2, 5, new int[] {1, 2, 1}, 7, 9));
        assertNotEquals(st, new SchedulerStats(3, 1, 4, 1, 2, 5, new int[] {1, 2, 0}, 7, 10));
        assertNotEquals(st, new SchedulerStats(3, 0, 4, 1, 2, 5, new int[] {1, 2, 0}, 7, 9));
        assertNotEquals(st, null);
        assertThrows(NullPointerException.class, () -> new SchedulerStats(1, 0, 0, 0, 0, 0, null, 0, 0));
    }

    // ---- shutdown / close -----------------------------------------------------------------------

    @Test
    void closeWaitsForARunningVirtualThread() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Thread t = s.go(() -> {
            running.countDown();
            while (!release.get()) { // runs, never parks: holds its carrier
                Thread.onSpinWait();
            }
            finished.set(true);
        });
        AtomicBoolean finishedWhenCloseReturned = new AtomicBoolean();
        Thread closer;
        try {
            await(running);
            closer = Thread.ofPlatform().daemon().start(() -> {
                s.close();
                finishedWhenCloseReturned.set(finished.get());
            });
            awaitValue(1, () -> s.isShutdown() ? 1 : 0, "isShutdown once close() began");
            assertFalse(s.awaitTermination(Duration.ofMillis(50)), "terminated while a thread still runs");
            assertFalse(s.isTerminated());
            assertTrue(closer.isAlive(), "close() returned while a virtual thread still ran");
            assertEquals(1, s.numGoroutine());
        } finally {
            release.set(true); // never leave a spinning virtual thread behind
        }
        join(closer);
        join(t);
        assertTrue(finishedWhenCloseReturned.get(), "close() returned before the thread finished");
        assertTrue(s.isTerminated());
        assertTrue(s.awaitTermination(Duration.ZERO));
        assertEquals(0, s.numGoroutine());
        s.close(); // idempotent
        assertThrows(RejectedExecutionException.class, () -> s.go(() -> {}));
    }

    @Test
    void aParkedVirtualThreadKeepsTheSchedulerAliveUntilReleased() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = s.go(startedThenAwait(parked, release));
            await(parked);
            assertFalse(s.isShutdown());
            s.shutdown();
            assertTrue(s.isShutdown());
            assertFalse(s.isTerminated());
            assertFalse(s.awaitTermination(Duration.ofMillis(50)));
            assertFalse(s.isTerminated(), "terminated with a parked virtual thread");
            assertTrue(t.isAlive());

            release.countDown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
            assertTrue(s.isTerminated());
            assertFalse(t.isAlive());
            assertEquals(0, s.numGoroutine());
            assertEquals(0, s.stats().carriers(), "carriers exit once terminated");
        }
    }

    @Test
    void shutdownOfAnIdleSchedulerTerminatesAtOnce() throws Exception {
        GoScheduler s = GoScheduler.create(2);
        join(s.go(() -> {})); // starts a carrier
        s.shutdown();
        assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
        assertTrue(s.isShutdown());
        assertTrue(s.isTerminated());
        s.shutdown(); // idempotent
        s.close();
        assertTrue(s.isTerminated());
    }

    @Test
    void closeKeepsWaitingWhenInterruptedAndRestoresTheInterrupt() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.go(startedThenAwait(parked, release));
        await(parked);
        AtomicBoolean interruptedAfterClose = new AtomicBoolean();
        AtomicBoolean terminatedAfterClose = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().daemon().start(() -> {
            s.close();
            terminatedAfterClose.set(s.isTerminated());
            interruptedAfterClose.set(Thread.currentThread().isInterrupted());
        });
        try {
            awaitValue(1, () -> s.isShutdown() ? 1 : 0, "close() began");
            awaitValue(1, () -> closer.getState() == Thread.State.WAITING ? 1 : 0, "closer waits");
            closer.interrupt();
            assertFalse(closer.join(Duration.ofMillis(50)), "close() gave up on interrupt");
        } finally {
            release.countDown();
        }
        join(closer);
        assertTrue(terminatedAfterClose.get());
        assertTrue(interruptedAfterClose.get(), "close() must restore the interrupt status");
    }

    // ---- global and Go --------------------------------------------------------------------------

    @Test
    void globalIsASingletonThatCannotBeClosed() {
        GoScheduler g = GoScheduler.global();
        assertSame(g, GoScheduler.global());
        assertEquals("weft-global", g.name());
        assertThrows(UnsupportedOperationException.class, g::close);
        assertThrows(UnsupportedOperationException.class, g::shutdown);
        assertFalse(g.isShutdown());
        assertFalse(g.isTerminated());
        assertTrue(g.gomaxprocs() >= 1);
    }

    @Test
    void goFacadeRunsOnTheGlobalScheduler() throws Exception {
        GoScheduler g = GoScheduler.global();
        AtomicReference<GoScheduler> ran = new AtomicReference<>();
        AtomicReference<String> carrier = new AtomicReference<>();
        Thread t = Go.go(() -> {
            ran.set(GoScheduler.current().orElse(null));
            carrier.set(carrierName());
        });
        assertTrue(t.isVirtual());
        join(t);
        assertSame(g, ran.get());
        assertTrue(carrier.get().startsWith("weft-global-carrier-"), carrier.get());
    }

    @Test
    void goFacadeGomaxprocsAndNumGoroutine() throws Exception {
        GoScheduler g = GoScheduler.global();
        int original = Go.gomaxprocs();
        assertEquals(g.gomaxprocs(), original);
        assertEquals(original, Go.gomaxprocs(0));
        assertEquals(original, Go.gomaxprocs(-5));
        try {
            assertEquals(original, Go.gomaxprocs(original + 1));
            assertEquals(original + 1, Go.gomaxprocs());
            assertEquals(original + 1, g.gomaxprocs());
        } finally {
            Go.gomaxprocs(original);
        }
        assertEquals(original, Go.gomaxprocs());

        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch release = new CountDownLatch(1);
        long before = Go.numGoroutine();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ts.add(Go.go(startedThenAwait(started, release)));
        }
        await(started);
        assertEquals(before + 10, Go.numGoroutine());
        assertEquals(g.numGoroutine(), Go.numGoroutine());
        release.countDown();
        for (Thread t : ts) {
            join(t);
        }
        awaitValue(before, Go::numGoroutine, "Go.numGoroutine after the threads ended");
    }

    @Test
    void goGoschedLetsTheOtherGoroutineRunFirst() throws Exception {
        int original = Go.gomaxprocs(1);
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicReference<Thread> child = new AtomicReference<>();
            Thread t = Go.go(() -> {
                child.set(Go.go(() -> order.add("child")));
                Go.gosched();
                order.add("parent");
            });
            join(t);
            join(child.get());
            assertEquals(List.of("child", "parent"), order);
            // Gosched outside any scheduler is just Thread.yield
            Go.gosched();
        } finally {
            Go.gomaxprocs(original);
        }
        assertNotNull(GoScheduler.global());
    }
}

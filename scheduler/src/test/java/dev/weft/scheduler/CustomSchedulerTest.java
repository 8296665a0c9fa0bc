package dev.weft.scheduler;

import static dev.weft.test.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.engine.EngineAccess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The cases of the JDK's own custom-scheduler test (test/jdk/java/lang/Thread/virtual/
 * CustomScheduler.java), on a GoScheduler: where a virtual thread runs depending on who starts it,
 * inheritance of the scheduler, interrupt status across carriers, and rejection after close.
 */
class CustomSchedulerTest {

    private static final long TIMEOUT_S = 20;

    /** Where the current virtual thread runs: its scheduler and its carrier's name. */
    record Where(GoScheduler scheduler, String carrier, boolean virtual) {
        static Where here() {
            String s = Thread.currentThread().toString();
            int at = s.lastIndexOf('@');
            return new Where(
                    GoScheduler.current().orElse(null),
                    at < 0 ? "" : s.substring(at + 1),
                    Thread.currentThread().isVirtual());
        }

        void assertOn(GoScheduler s) {
            assertTrue(virtual, "not a virtual thread");
            assertSame(s, scheduler, () -> "ran on " + carrier + ", not on " + s.name());
            assertTrue(carrier.startsWith(s.name() + "-carrier-"), carrier);
        }
    }

    private static void join(Thread t) throws InterruptedException {
        assertTrue(t.join(Duration.ofSeconds(TIMEOUT_S)), () -> t + " did not end");
    }

    private static void await(CountDownLatch l) throws InterruptedException {
        assertTrue(l.await(TIMEOUT_S, TimeUnit.SECONDS), "timed out waiting for a latch");
    }

    private static void awaitParked(Thread t) {
        awaitTrue(
                () -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING, t + " parks");
    }

    // ---- where a virtual thread runs ------------------------------------------------------------

    @Test
    void startedFromAPlatformThreadItRunsOnTheScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicReference<Where> where = new AtomicReference<>();
            join(s.virtualThreadBuilder().start(() -> where.set(Where.here())));
            where.get().assertOn(s);
        }
    }

    @Test
    void startedFromAVirtualThreadOfTheSchedulerItRunsOnTheScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicReference<Where> where = new AtomicReference<>();
            AtomicReference<Thread> child = new AtomicReference<>();
            join(s.go(() -> child.set(s.go(() -> where.set(Where.here())))));
            join(child.get());
            where.get().assertOn(s);
        }
    }

    @Test
    void startedFromAVirtualThreadOfTheJdkSchedulerItRunsOnTheScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Where> where = new AtomicReference<>();
            AtomicReference<Thread> child = new AtomicReference<>();
            join(Thread.ofVirtual().start(() -> child.set(s.go(() -> where.set(Where.here())))));
            join(child.get());
            where.get().assertOn(s);
        }
    }

    @Test
    void startedFromAVirtualThreadOfAnotherGoSchedulerItRunsOnItsOwn() throws Exception {
        try (GoScheduler a = GoScheduler.create(1);
                GoScheduler b = GoScheduler.create(1)) {
            AtomicReference<Where> where = new AtomicReference<>();
            AtomicReference<Thread> child = new AtomicReference<>();
            join(a.go(() -> child.set(b.go(() -> where.set(Where.here())))));
            join(child.get());
            where.get().assertOn(b);
        }
    }

    @Test
    void plainOfVirtualInsideAVirtualThreadOfTheSchedulerInheritsIt() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicReference<Where> where = new AtomicReference<>();
            AtomicReference<Where> grandchild = new AtomicReference<>();
            join(s.go(() -> {
                Thread c = Thread.ofVirtual().start(() -> {
                    where.set(Where.here());
                    Thread g = Thread.ofVirtual().unstarted(() -> grandchild.set(Where.here()));
                    g.start();
                    try {
                        g.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                try {
                    c.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
            assertNotNull(where.get(), "the child did not run");
            where.get().assertOn(s);
            grandchild.get().assertOn(s);
        }
    }

    @Test
    void jdkVirtualThreadPerTaskExecutorInsideAVirtualThreadOfTheSchedulerInheritsIt() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            List<Where> wheres = new CopyOnWriteArrayList<>();
            join(s.go(() -> {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 20; i++) {
                        ex.submit(() -> wheres.add(Where.here()));
                    }
                }
            }));
            assertEquals(20, wheres.size());
            for (Where w : wheres) {
                w.assertOn(s);
            }
        }
    }

    @Test
    void plainOfVirtualFromAPlatformThreadUsesTheJdkScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Where> where = new AtomicReference<>();
            join(Thread.ofVirtual().start(() -> where.set(Where.here())));
            assertTrue(where.get().virtual());
            assertNull(where.get().scheduler());
            assertFalse(where.get().carrier().startsWith(s.name()), where.get().carrier());
        }
    }

    @Test
    void aTaskRunsOnAPlatformCarrierNotOnAVirtualThread() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Thread> carrier = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.scheduler().execute(() -> {
                carrier.set(Thread.currentThread());
                done.countDown();
            });
            await(done);
            assertFalse(carrier.get().isVirtual());
            assertTrue(EngineAccess.isCarrier(carrier.get()), "a weft carrier");
            assertTrue(carrier.get().isDaemon(), "carriers are daemon threads");
            assertTrue(carrier.get().getName().startsWith(s.name() + "-carrier-"));
        }
    }

    // ---- interrupt status -----------------------------------------------------------------------

    @Test
    void interruptOfARunningVirtualThreadDoesNotLeakToTheNextOneOnTheCarrier() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch running = new CountDownLatch(1);
            AtomicReference<String> firstCarrier = new AtomicReference<>();
            AtomicReference<Thread> child = new AtomicReference<>();
            AtomicReference<Boolean> childInterrupted = new AtomicReference<>();
            AtomicReference<String> childCarrier = new AtomicReference<>();
            AtomicBoolean childSleptFully = new AtomicBoolean();
            Thread first = s.go(() -> {
                firstCarrier.set(Where.here().carrier());
                running.countDown();
                while (!Thread.currentThread().isInterrupted()) { // runs until interrupted; never clears it
                    Thread.onSpinWait();
                }
                // still interrupted: start a child, which goes to this P's runnext, so the very carrier
                // that ran an interrupted virtual thread runs the child right after it
                child.set(s.go(() -> {
                    childInterrupted.set(Thread.currentThread().isInterrupted());
                    childCarrier.set(Where.here().carrier());
                    try {
                        Thread.sleep(1); // would throw at once with a leaked interrupt
                        childSleptFully.set(true);
                    } catch (InterruptedException e) {
                        childSleptFully.set(false);
                    }
                }));
            });
            try {
                await(running);
            } finally {
                first.interrupt();
            }
            join(first);
            join(child.get());
            assertEquals(firstCarrier.get(), childCarrier.get(), "the child ran on another carrier");
            assertEquals(Boolean.FALSE, childInterrupted.get(), "the child starts interrupted");
            assertTrue(childSleptFully.get(), "the child's sleep was cut by a leaked interrupt");

            // and threads started later from outside start clean too
            for (int i = 0; i < 3; i++) {
                AtomicReference<Boolean> interrupted = new AtomicReference<>();
                AtomicBoolean sleptFully = new AtomicBoolean();
                join(s.go(() -> {
                    interrupted.set(Thread.currentThread().isInterrupted());
                    try {
                        Thread.sleep(1);
                        sleptFully.set(true);
                    } catch (InterruptedException e) {
                        sleptFully.set(false);
                    }
                }));
                assertEquals(Boolean.FALSE, interrupted.get(), "a later virtual thread starts interrupted");
                assertTrue(sleptFully.get(), "sleep was interrupted by a leaked interrupt");
            }
        }
    }

    @Test
    void aParkedVirtualThreadInterruptedWakesWithItsInterruptStatusSet() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicBoolean interruptedAfterPark = new AtomicBoolean();
            AtomicBoolean parkReturned = new AtomicBoolean();
            Thread t = s.go(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                }
                parkReturned.set(true);
                interruptedAfterPark.set(Thread.interrupted()); // and clears it
            });
            awaitParked(t);
            t.interrupt();
            join(t);
            assertTrue(parkReturned.get());
            assertTrue(interruptedAfterPark.get());

            AtomicReference<Boolean> next = new AtomicReference<>();
            join(s.go(() -> next.set(Thread.currentThread().isInterrupted())));
            assertEquals(Boolean.FALSE, next.get());
        }
    }

    @Test
    void aVirtualThreadInterruptedWhileSleepingGetsInterruptedException() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> statusAfter = new AtomicReference<>();
            Thread t = s.go(() -> {
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitParked(t);
            t.interrupt();
            join(t);
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertEquals(Boolean.FALSE, statusAfter.get(), "InterruptedException clears the status");
        }
    }

    @Test
    void anInterruptedCarrierDoesNotInterruptTheVirtualThreadItRunsNext() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            // a plain task interrupts its own carrier, then starts a virtual thread: it goes to the
            // carrier's runnext, so this very carrier runs it next, without parking in between
            AtomicReference<Thread> vthread = new AtomicReference<>();
            AtomicReference<Thread> taskCarrier = new AtomicReference<>();
            AtomicReference<String> vthreadCarrier = new AtomicReference<>();
            AtomicReference<Boolean> interrupted = new AtomicReference<>();
            AtomicBoolean sleptFully = new AtomicBoolean();
            CountDownLatch submitted = new CountDownLatch(1);
            s.scheduler().execute(() -> {
                taskCarrier.set(Thread.currentThread());
                Thread.currentThread().interrupt();
                vthread.set(s.go(() -> {
                    interrupted.set(Thread.currentThread().isInterrupted());
                    vthreadCarrier.set(Where.here().carrier());
                    try {
                        Thread.sleep(1);
                        sleptFully.set(true);
                    } catch (InterruptedException e) {
                        sleptFully.set(false);
                    }
                }));
                submitted.countDown();
            });
            await(submitted);
            join(vthread.get());
            assertEquals(taskCarrier.get().getName(), vthreadCarrier.get());
            assertEquals(Boolean.FALSE, interrupted.get(), "the carrier's interrupt leaked into the virtual thread");
            assertTrue(sleptFully.get());
        }
    }

    // ---- rejection ------------------------------------------------------------------------------

    @Test
    void startingAfterCloseIsRejectedAndTheThreadIsNotAlive() throws Exception {
        GoScheduler s = GoScheduler.create(2);
        join(s.go(() -> {}));
        s.close();
        AtomicBoolean ran = new AtomicBoolean();

        Thread t = s.virtualThreadBuilder().unstarted(() -> ran.set(true));
        assertThrows(RejectedExecutionException.class, t::start);
        assertFalse(t.isAlive());
        assertEquals(Thread.State.TERMINATED, t.getState());
        assertTrue(t.join(Duration.ofSeconds(1)), "a rejected thread can be joined");

        assertThrows(RejectedExecutionException.class, () -> s.go(() -> ran.set(true)));
        Thread f = s.virtualThreadFactory().newThread(() -> ran.set(true));
        assertThrows(RejectedExecutionException.class, f::start);
        assertFalse(f.isAlive());
        try (ExecutorService ex = s.newVirtualThreadPerTaskExecutor()) {
            assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> ran.set(true)));
        }
        assertThrows(RejectedExecutionException.class, () -> s.scheduler().execute(() -> ran.set(true)));

        assertFalse(ran.get());
        assertEquals(0, s.numGoroutine());
        assertTrue(s.isTerminated());
        assertEquals(0, s.stats().queuedTasks());
    }

    @Test
    void aVirtualThreadOfAClosedSchedulerCannotStartChildrenThere() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> childStart = new AtomicReference<>();
            Thread t = s.go(() -> {
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                try {
                    Thread.ofVirtual().start(() -> {}); // inherits the closed scheduler
                } catch (Throwable e) {
                    childStart.set(e);
                }
            });
            await(parked);
            s.shutdown();
            release.countDown();
            join(t);
            assertInstanceOf(RejectedExecutionException.class, childStart.get());
            assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
            assertEquals(0, s.numGoroutine());
        }
    }

    @Test
    void aThreadParkedAtShutdownCanStillBeUnparkedSleepYieldAndFinish() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicBoolean finished = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = s.go(() -> {
                try {
                    LockSupport.park(); // unparked after shutdown: a wake-up, not a start
                    for (int i = 0; i < 3; i++) {
                        Thread.yield(); // resubmits itself: not a start either
                    }
                    Thread.sleep(5); // the timer's wake-up comes from another thread
                    CountDownLatch l = new CountDownLatch(1);
                    l.countDown();
                    l.await();
                    finished.set(true);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            awaitParked(t);
            s.shutdown();
            assertFalse(s.isTerminated());
            LockSupport.unpark(t);
            assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)), "did not terminate");
            assertNull(failure.get());
            assertTrue(finished.get());
            assertFalse(t.isAlive());
        }
    }

    @Test
    void manyThreadsParkedAtShutdownAllFinishWhenWokenByEachOther() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            int n = 200;
            Thread[] ts = new Thread[n];
            CountDownLatch parked = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                ts[i] = s.go(() -> {
                    parked.countDown();
                    LockSupport.park();
                    while (ts[id] == null) {
                        Thread.onSpinWait(); // not reached in practice: the array is filled before unpark
                    }
                    if (id + 1 < n) {
                        LockSupport.unpark(ts[id + 1]); // a virtual thread wakes the next: runnext
                    }
                });
            }
            await(parked);
            for (Thread t : ts) {
                awaitParked(t);
            }
            s.shutdown();
            LockSupport.unpark(ts[0]);
            assertTrue(s.awaitTermination(Duration.ofSeconds(TIMEOUT_S)), () -> "stuck: " + s);
            for (Thread t : ts) {
                assertFalse(t.isAlive());
            }
        }
    }

    @Test
    void futureOfARejectedSubmitNeverRuns() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        ExecutorService ex = s.newVirtualThreadPerTaskExecutor();
        Future<?> ok = ex.submit(() -> {});
        ok.get(TIMEOUT_S, TimeUnit.SECONDS);
        s.close();
        assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> {}));
        ex.close(); // nothing left to wait for
        assertTrue(ex.isTerminated());
    }
}

package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;
import dev.weft.scheduler.internal.TimerHeap;
import dev.weft.scheduler.internal.WaitReason;
import dev.weft.scheduler.internal.WeftBlocker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.example.blockers.ForeignPackageBlocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deadlock detector and the goroutine dumps recognise weft's waits by the type of the park
 * blocker ({@link WeftBlocker}), which carries Go's wait reason, and weft's own idle threads by
 * that blocker or by identity: never by package or method names.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitReasonTest {

    /** A blocker in a {@code dev.weft} package that is not a {@link WeftBlocker}: a foreign one. */
    static final class NamedLikeWeft {
        @Override
        public String toString() {
            return "NamedLikeWeft";
        }
    }

    /** Parks a virtual thread of {@code s} on {@code blocker} until {@code release}. */
    private static Thread parkOn(GoScheduler s, Object blocker, CountDownLatch release) {
        Thread t = s.go(() -> {
            while (release.getCount() > 0) {
                LockSupport.park(blocker);
            }
        });
        ParkedThreadsTest.await(
                t + " parked on its blocker",
                () -> t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) == blocker);
        return t;
    }

    private static void release(CountDownLatch release, Thread t) throws InterruptedException {
        release.countDown();
        LockSupport.unpark(t);
        assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
    }

    @Test
    void aWeftBlockerOfAnyPackageIsAWeftWaitWithItsReason() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(2)) {
            CountDownLatch release = new CountDownLatch(1);
            Thread t = parkOn(s, new ForeignPackageBlocker(), release);
            try {
                assertEquals(ParkedThreads.Wait.WEFT, ParkedThreads.classify(t));
                assertSame(WaitReason.CHAN_RECEIVE, WeftBlocker.waitReasonOf(t));
                String waitsOn = TestAccess.describe(t, s.name()).waitsOn();
                // its reason says it all: no "on org.example.blockers.ForeignPackageBlocker@1b2c3d"
                assertEquals("parked in a weft operation [chan receive]", waitsOn);
            } finally {
                release(release, t);
            }
        }
    }

    /** Before typed blockers, any blocker of a {@code dev.weft.} class counted as a weft wait. */
    @Test
    void aDevWeftClassThatIsNotAWeftBlockerIsAForeignBlocker() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(2)) {
            CountDownLatch release = new CountDownLatch(1);
            Thread t = parkOn(s, new NamedLikeWeft(), release);
            try {
                assertEquals(ParkedThreads.Wait.OTHER, ParkedThreads.classify(t));
                assertNull(WeftBlocker.waitReasonOf(t));
                assertEquals(
                        "parked on NamedLikeWeft",
                        TestAccess.describe(t, s.name()).waitsOn());
            } finally {
                release(release, t);
            }
        }
    }

    @Test
    void aTimerThreadWaitingForItsNextDeadlineIsIdleByItsBlocker() throws InterruptedException {
        TimerQueue q = new TimerQueue("wait-reason-test");
        try {
            q.schedule(() -> {}, TimeUnit.HOURS.toNanos(1));
            Thread timers = q.thread();
            ParkedThreadsTest.await(
                    "the timer thread parked until its deadline",
                    () -> timers.getState() == Thread.State.TIMED_WAITING);
            assertSame(TimerHeap.IDLE_BLOCKER, LockSupport.getBlocker(timers));
            assertSame(WaitReason.TIMER_GOROUTINE_IDLE, WeftBlocker.waitReasonOf(timers));
            assertFalse(
                    ParkedThreads.platformThreadCanWake(timers, Thread.State.TIMED_WAITING, timers.getStackTrace()));
        } finally {
            q.stop();
        }
    }

    /** The same wait on another blocker (not a weft idle one) may wake someone: a waker. */
    @Test
    void aPlatformThreadInATimedParkOnAForeignBlockerIsAWaker() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Object foreign = new NamedLikeWeft();
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            while (release.getCount() > 0) {
                LockSupport.parkNanos(foreign, TimeUnit.HOURS.toNanos(1));
            }
        });
        try {
            ParkedThreadsTest.await(
                    "parked", () -> t.getState() == Thread.State.TIMED_WAITING && LockSupport.getBlocker(t) == foreign);
            assertTrue(ParkedThreads.platformThreadCanWake(t, Thread.State.TIMED_WAITING, t.getStackTrace()));
        } finally {
            release(release, t);
        }
    }

    @Test
    void sysmonAndThreadsAwaitingTerminationAreNotWakersByIdentity() throws InterruptedException {
        GoScheduler s = GoScheduler.create(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread goroutine = s.go(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.shutdown();
        Thread closer = Thread.ofPlatform().daemon().start(s::close);
        try {
            ParkedThreadsTest.await(
                    "the closer waits for termination",
                    () -> closer.getState() == Thread.State.WAITING
                            && ParkedThreads.AWAITING_TERMINATION.contains(closer));
            assertFalse(ParkedThreads.platformThreadCanWake(closer, Thread.State.WAITING, closer.getStackTrace()));
            assertFalse(ParkedThreads.platformThreadCanWake(closer, Thread.State.RUNNABLE, closer.getStackTrace()));
            Thread sysmon = EngineAccess.sysmonThread(TestAccess.engine(s));
            assertFalse(ParkedThreads.platformThreadCanWake(sysmon, Thread.State.RUNNABLE, sysmon.getStackTrace()));
        } finally {
            release(release, goroutine);
            assertTrue(closer.join(Duration.ofSeconds(10)), "close() did not return");
        }
        assertFalse(ParkedThreads.AWAITING_TERMINATION.contains(closer), "left registered after close()");
    }
}

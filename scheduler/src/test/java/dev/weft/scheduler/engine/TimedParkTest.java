package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.TestAccess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timed parks of weft's virtual threads go through the scheduler's own {@link TimerQueue}
 * (via {@link JdkScheduler#schedule}), not the JDK's shared unparker executor.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimedParkTest {

    @Test
    void sleepUsesTheSchedulersTimerThreadAndLastsAtLeastItsDuration() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            long[] elapsed = new long[1];
            Thread t = s.go(() -> {
                long t0 = System.nanoTime();
                try {
                    Thread.sleep(Duration.ofMillis(30));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                elapsed[0] = System.nanoTime() - t0;
            });
            assertTrue(t.join(Duration.ofSeconds(10)));
            assertTrue(elapsed[0] >= TimeUnit.MILLISECONDS.toNanos(30), "slept only " + elapsed[0] + " ns");
            Thread timers = ((CarrierScheduler) TestAccess.engine(s)).timers().thread();
            assertEquals(s.name() + "-timers", timers.getName());
            assertTrue(timers.isDaemon());
            assertEquals(0, ((CarrierScheduler) TestAccess.engine(s)).timers().pending());
        }
    }

    @Test
    void anUnparkBeforeTheTimeoutCancelsTheTimer() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch parked = new CountDownLatch(1);
            Thread t = s.go(() -> {
                parked.countDown();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(60));
            });
            assertTrue(parked.await(10, TimeUnit.SECONDS));
            // the timer exists once the thread has yielded; unpark until the thread is gone
            while (!t.join(Duration.ofMillis(10))) {
                LockSupport.unpark(t);
            }
            assertEquals(
                    0,
                    ((CarrierScheduler) TestAccess.engine(s)).timers().pending(),
                    "the 60 s timer was not cancelled");
        }
    }

    @Test
    void timersFireInDeadlineOrder() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            ConcurrentLinkedQueue<Integer> woke = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(3);
            Thread[] ts = new Thread[3];
            int[] millis = {90, 30, 60};
            for (int i = 0; i < 3; i++) {
                int ms = millis[i];
                ts[i] = s.go(() -> {
                    started.countDown();
                    try {
                        Thread.sleep(ms);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    woke.add(ms);
                });
            }
            for (Thread t : ts) {
                assertTrue(t.join(Duration.ofSeconds(10)));
            }
            assertEquals(List.of(30, 60, 90), List.copyOf(woke));
        }
    }

    @Test
    void timedWaitAndTimedJoinReturnAfterTheirTimeout() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            Object monitor = new Object();
            long[] waited = new long[2];
            Thread t = s.go(() -> {
                try {
                    long t0 = System.nanoTime();
                    synchronized (monitor) {
                        monitor.wait(40);
                    }
                    waited[0] = System.nanoTime() - t0;
                    Thread never = s.go(() -> LockSupport.park());
                    t0 = System.nanoTime();
                    assertFalse(never.join(Duration.ofMillis(40)));
                    waited[1] = System.nanoTime() - t0;
                    LockSupport.unpark(never);
                    never.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(t.join(Duration.ofSeconds(10)));
            assertTrue(waited[0] >= TimeUnit.MILLISECONDS.toNanos(40), "waited only " + waited[0] + " ns");
            assertTrue(waited[1] >= TimeUnit.MILLISECONDS.toNanos(40), "joined only " + waited[1] + " ns");
        }
    }

    @Test
    void manyTimersWithRandomDeadlinesAllFire() throws Exception {
        try (GoScheduler s = GoScheduler.create(2)) {
            int n = 20_000;
            AtomicInteger woke = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                s.go(() -> {
                    try {
                        for (int k = 0; k < 3; k++) {
                            Thread.sleep(
                                    Duration.ofNanos(ThreadLocalRandom.current().nextLong(1_000, 20_000_000)));
                        }
                        woke.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(50, TimeUnit.SECONDS), "sleepers left: " + done.getCount());
            assertEquals(n, woke.get());
        }
    }

    @Test
    void theTimerThreadEndsWithTheScheduler() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        s.go(() -> LockSupport.parkNanos(1_000_000)).join();
        Thread timers = ((CarrierScheduler) TestAccess.engine(s)).timers().thread();
        s.close();
        assertTrue(timers.join(Duration.ofSeconds(10)), "the timer thread outlived its scheduler");
        RejectedExecutionException e = assertThrows(
                RejectedExecutionException.class,
                () -> ((CarrierScheduler) TestAccess.engine(s)).timers().schedule(() -> {}, 1));
        assertTrue(e.getMessage().contains(s.name()), e.getMessage());
    }

    @Test
    void aCancelledTimerNeverRunsAndAFiredOneCannotBeCancelled() throws Exception {
        TimerQueue q = new TimerQueue("test-queue");
        try {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> cancelled = q.schedule(runs::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(20));
            assertTrue(cancelled.cancel(false));
            assertTrue(cancelled.isCancelled());
            assertFalse(cancelled.cancel(false), "cancelled twice");
            CountDownLatch fired = new CountDownLatch(1);
            ScheduledFuture<?> due = q.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(40));
            assertTrue(fired.await(10, TimeUnit.SECONDS));
            assertFalse(due.cancel(false), "a fired timer was cancelled");
            assertTrue(due.isDone());
            assertEquals(0, runs.get(), "the cancelled timer ran");
            assertEquals(0, q.pending());
            assertSame(
                    UnsupportedOperationException.class,
                    assertThrows(UnsupportedOperationException.class, due::get).getClass());
        } finally {
            q.stop();
        }
    }

    @Test
    void aTimerBehindManyCancelledOnesStillFires() throws Exception {
        TimerQueue q = new TimerQueue("test-purge");
        try {
            for (int i = 0; i < 10_000; i++) {
                q.schedule(() -> {}, TimeUnit.HOURS.toNanos(1)).cancel(false);
            }
            CountDownLatch fired = new CountDownLatch(1);
            q.schedule(fired::countDown, 1_000_000);
            assertTrue(fired.await(10, TimeUnit.SECONDS), "a timer behind 10k cancelled ones did not fire");
            assertEquals(0, q.pending());
        } finally {
            q.stop();
        }
    }
}

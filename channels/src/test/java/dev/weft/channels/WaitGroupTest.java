package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.GoroutineLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(GoroutineLeakCheck.class) // no goroutine outlives a test (weft-test)
@GoroutineLeakCheck.Options(includeJdkDefaultScheduler = true)
class WaitGroupTest {

    /** Waits (yielding, no sleeps) until {@code t} is parked. */
    private static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(t.isAlive(), "thread ended before parking");
            Thread.yield();
        }
    }

    @Test
    void counterFollowsAddAndDone() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        assertEquals(0, wg.count());
        wg.add(3);
        assertEquals(3, wg.count());
        wg.done();
        assertEquals(2, wg.count());
        wg.add(0);
        assertEquals(2, wg.count());
        wg.add(5);
        assertEquals(7, wg.count());
        wg.add(-7);
        assertEquals(0, wg.count());
        wg.await(); // zero: returns at once
        assertTrue(wg.await(Duration.ZERO));
    }

    @Test
    void negativeCounterThrowsAndLeavesTheCounterAlone() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        IllegalStateException e = assertThrows(IllegalStateException.class, wg::done);
        assertEquals("negative WaitGroup counter", e.getMessage());
        assertEquals(0, wg.count());
        assertThrows(IllegalStateException.class, () -> wg.add(-1));

        wg.add(2);
        assertThrows(IllegalStateException.class, () -> wg.add(-3));
        assertEquals(2, wg.count());
        assertFalse(wg.await(Duration.ofMillis(1)), "a failed add must not release waiters");

        wg.done();
        wg.done();
        assertEquals(0, wg.count());
        assertTrue(wg.await(Duration.ZERO));
        assertThrows(IllegalStateException.class, wg::done);
        assertEquals(0, wg.count());
    }

    @Test
    void awaitBlocksUntilTheCounterReachesZero() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        wg.add(3);
        AtomicInteger released = new AtomicInteger();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread w = Thread.ofVirtual().start(() -> {
                try {
                    wg.await();
                    released.incrementAndGet();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            waiters.add(w);
        }
        Thread timed = Thread.ofPlatform().start(() -> {
            try {
                assertTrue(wg.await(Duration.ofMinutes(1)));
                released.incrementAndGet();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        waiters.add(timed);
        for (Thread w : waiters) {
            awaitParked(w);
        }
        wg.done();
        wg.done();
        assertEquals(0, released.get(), "released while the counter is 1");
        for (Thread w : waiters) {
            assertTrue(w.isAlive());
        }
        wg.done();
        for (Thread w : waiters) {
            w.join();
        }
        assertEquals(5, released.get());
    }

    @Test
    void timedAwaitTimesOutWhileTheCounterIsPositive() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        assertFalse(wg.await(Duration.ofMillis(20)));
        assertFalse(wg.await(Duration.ZERO));
        assertFalse(wg.await(Duration.ofNanos(-5)));
        assertEquals(1, wg.count());
        // many timed-out waiters, then a normal release still works
        for (int i = 0; i < 1000; i++) {
            assertFalse(wg.await(Duration.ofNanos(1)));
        }
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                wg.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(waiter);
        wg.done();
        waiter.join();
        assertTrue(wg.await(Duration.ZERO));
    }

    @Test
    void reusableAfterReachingZero() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        AtomicInteger ran = new AtomicInteger();
        for (int round = 1; round <= 200; round++) {
            int n = 1 + round % 7;
            wg.add(n);
            for (int i = 0; i < n; i++) {
                Thread.ofVirtual().start(() -> {
                    ran.incrementAndGet();
                    wg.done();
                });
            }
            wg.await();
            assertEquals(0, wg.count(), "round " + round);
        }
        int expected = 0;
        for (int round = 1; round <= 200; round++) {
            expected += 1 + round % 7;
        }
        assertEquals(expected, ran.get());
    }

    @Test
    void interruptedAwaitThrowsAndKeepsTheCounter() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                wg.await();
                outcome.set(new AssertionError("await returned"));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        awaitParked(waiter);
        waiter.interrupt();
        waiter.join();
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        assertEquals(1, wg.count());

        // already interrupted: throws at once, and the status is cleared
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, wg::await);
        assertFalse(Thread.interrupted());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> wg.await(Duration.ofSeconds(10)));
        assertFalse(Thread.interrupted());

        // the interrupted waiter left no trace: a release still works
        Thread other = Thread.ofVirtual().start(() -> {
            try {
                wg.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(other);
        wg.done();
        other.join();
    }

    @Test
    void manyTasksAndWaitersConcurrently() throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        int tasks = 10_000;
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        wg.add(tasks);
        List<Thread> waiters = new ArrayList<>();
        AtomicInteger seenAtRelease = new AtomicInteger(-1);
        for (int i = 0; i < 16; i++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                try {
                    wg.await();
                    seenAtRelease.accumulateAndGet(finished.get(), Math::max);
                    assertEquals(tasks, finished.get(), "released before every task finished");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (int i = 0; i < tasks; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                finished.incrementAndGet();
                wg.done();
            });
        }
        go.countDown();
        wg.await();
        assertEquals(tasks, finished.get());
        for (Thread w : waiters) {
            w.join();
        }
        assertEquals(tasks, seenAtRelease.get());
        assertEquals(0, wg.count());
    }
}

package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.test.GoroutineLeakCheck;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(30)
@ExtendWith(GoroutineLeakCheck.class) // no goroutine outlives a test (weft-test)
@GoroutineLeakCheck.Options(includeJdkDefaultScheduler = true)
class ErrGroupTest {

    /** Waits (yielding, no sleeps) until {@code t} is parked. */
    private static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(t.isAlive(), "thread ended before parking");
            Thread.yield();
        }
    }

    /**
     * A factory whose threads count {@code ended} down after the task body, and so after the
     * group recorded the task's failure.
     */
    private static ThreadFactory countingDownAfter(CountDownLatch ended) {
        return r -> Thread.ofVirtual().unstarted(() -> {
            try {
                r.run();
            } finally {
                ended.countDown();
            }
        });
    }

    @Test
    void awaitWithoutErrorsReturnsEmpty() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            g.go(() -> {
                ran.incrementAndGet();
            });
        }
        assertEquals(Optional.empty(), g.await());
        assertEquals(100, ran.get());
        assertEquals(Optional.empty(), new ErrGroup().await(), "an empty group");
    }

    @Test
    void callableTasksAndTheirValuesAreAccepted() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        AtomicInteger ran = new AtomicInteger();
        g.go(() -> ran.incrementAndGet()); // a Callable<Integer>: value ignored
        g.go(() -> {
            throw new IOException("checked"); // both shapes may throw checked exceptions
        });
        assertTrue(g.tryGo(() -> 42));
        Throwable err = g.await().orElseThrow();
        assertTrue(err instanceof IOException, err.toString());
        assertEquals(1, ran.get());
    }

    @Test
    void firstErrorWins() throws InterruptedException {
        for (boolean aFirst : new boolean[] {true, false}) {
            CountDownLatch firstEnded = new CountDownLatch(1);
            CountDownLatch secondStarted = new CountDownLatch(1);
            ErrGroup g = new ErrGroup(countingDownAfter(firstEnded));
            Exception first = new IllegalStateException(aFirst ? "A" : "B");
            Exception second = new IOException(aFirst ? "B" : "A");
            // the second task is started first, and fails only after the first one has failed
            g.go(() -> {
                secondStarted.countDown();
                firstEnded.await();
                throw second;
            });
            secondStarted.await();
            g.go(() -> {
                throw first;
            });
            Throwable err = g.await().orElseThrow();
            assertSame(first, err, "aFirst=" + aFirst);
        }
    }

    @Test
    void contextIsCancelledWhenATaskFails() throws InterruptedException {
        ErrGroup g = ErrGroup.withContext(Context.background());
        Context ctx = g.context();
        assertFalse(ctx.isDone());
        AtomicReference<Object> seenErr = new AtomicReference<>();
        Exception boom = new IllegalArgumentException("boom");
        // task B waits for the cancel caused by A's failure, then fails too: A's error must win
        g.go(() -> {
            assertNull(ctx.done().receiveOrNull(), "done() closes, carrying no value");
            seenErr.set(ctx.err());
            throw new IOException("B, after the cancel");
        });
        g.go(() -> {
            throw boom;
        });
        assertSame(boom, g.await().orElseThrow());
        assertTrue(ctx.isDone());
        assertSame(Context.CANCELED, seenErr.get());
        assertSame(Context.CANCELED, ctx.err());
        assertSame(boom, Context.cause(ctx), "errgroup cancels with the first error as the cause");
    }

    @Test
    void contextIsCancelledWhenAwaitReturns() throws InterruptedException {
        ErrGroup g = ErrGroup.withContext(Context.background());
        Context ctx = g.context();
        CountDownLatch release = new CountDownLatch(1);
        g.go(() -> {
            release.await();
        });
        assertFalse(ctx.isDone());
        assertNull(ctx.err());
        release.countDown();
        assertEquals(Optional.empty(), g.await());
        assertTrue(ctx.isDone());
        assertSame(Context.CANCELED, ctx.err());
        assertSame(Context.CANCELED, Context.cause(ctx), "no failure: Go's cancel(nil)");
    }

    @Test
    void contextFollowsItsParent() throws InterruptedException {
        try (CancelContext parent = Context.withCancel(Context.background())) {
            ErrGroup g = ErrGroup.withContext(parent);
            g.go(() -> {
                g.context().done().receiveOrNull(); // ends when the parent is cancelled
            });
            parent.cancel();
            assertEquals(Optional.empty(), g.await());
            assertTrue(g.context().isDone());
        }
    }

    @Test
    void setLimitBoundsConcurrentTasks() throws InterruptedException {
        int limit = 3;
        ErrGroup g = new ErrGroup();
        g.setLimit(limit);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(limit); // the first `limit` tasks meet here
        for (int i = 0; i < 30; i++) {
            g.go(() -> {
                int now = running.incrementAndGet();
                max.accumulateAndGet(now, Math::max);
                full.countDown();
                full.await();
                Thread.yield();
                running.decrementAndGet();
                ran.incrementAndGet();
            });
        }
        assertEquals(Optional.empty(), g.await());
        assertEquals(30, ran.get());
        assertEquals(limit, max.get());
    }

    @Test
    void goBlocksWhileAtTheLimit() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        g.setLimit(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean secondStarted = new AtomicBoolean();
        g.go(() -> {
            release.await();
        });
        Thread starter = Thread.ofVirtual()
                .start(() -> g.go(() -> {
                    secondStarted.set(true);
                }));
        awaitParked(starter); // blocked in go(): the only slot is taken
        assertFalse(secondStarted.get());
        release.countDown();
        starter.join();
        assertEquals(Optional.empty(), g.await());
        assertTrue(secondStarted.get());
    }

    @Test
    void tryGoAtTheLimitReturnsFalse() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        g.setLimit(2);
        CountDownLatch release = new CountDownLatch(1);
        assertTrue(g.tryGo(() -> {
            release.await();
        }));
        assertTrue(g.tryGo(() -> {
            release.await();
        }));
        AtomicBoolean ran = new AtomicBoolean();
        assertFalse(g.tryGo(() -> {
            ran.set(true);
        }));
        release.countDown();
        assertEquals(Optional.empty(), g.await());
        assertFalse(ran.get(), "a refused task never runs");
        assertTrue(g.tryGo(() -> {
            ran.set(true);
        }));
        g.await();
        assertTrue(ran.get());
    }

    @Test
    void setLimitWhileTasksRunThrows() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        CountDownLatch release = new CountDownLatch(1);
        g.go(() -> {
            release.await();
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.setLimit(2));
        assertTrue(e.getMessage().contains("still active"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> g.setLimit(-1));
        release.countDown();
        g.await();
        g.setLimit(0);
        assertFalse(g.tryGo(() -> {}), "limit 0: nothing may start");
        g.setLimit(-1); // no limit again
        CountDownLatch all = new CountDownLatch(50); // would deadlock under any limit below 50
        for (int i = 0; i < 50; i++) {
            g.go(() -> {
                all.countDown();
                all.await();
            });
        }
        assertEquals(Optional.empty(), g.await());
    }

    @Test
    void interruptedWhileWaitingForASlot() throws InterruptedException {
        ErrGroup g = new ErrGroup();
        g.setLimit(1);
        CountDownLatch release = new CountDownLatch(1);
        g.go(() -> {
            release.await();
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        AtomicBoolean ran = new AtomicBoolean();
        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                g.go(() -> {
                    ran.set(true);
                });
            } catch (Throwable t) {
                thrown.set(t);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitParked(starter);
        starter.interrupt();
        starter.join();
        assertTrue(thrown.get() instanceof CancellationException, String.valueOf(thrown.get()));
        assertTrue(interruptKept.get());
        release.countDown();
        assertEquals(Optional.empty(), g.await());
        assertFalse(ran.get());
    }

    @Test
    void interruptedAwaitThrows() throws InterruptedException {
        ErrGroup g = ErrGroup.withContext(Context.background());
        CountDownLatch release = new CountDownLatch(1);
        g.go(() -> {
            release.await();
        });
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, g::await);
        assertFalse(g.context().isDone(), "an interrupted await does not cancel");
        release.countDown();
        assertEquals(Optional.empty(), g.await());
    }

    @Test
    void tasksRunOnTheCallersGoScheduler() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(2)) {
            AtomicReference<Optional<GoScheduler>> seen = new AtomicReference<>();
            AtomicReference<Optional<Throwable>> result = new AtomicReference<>();
            s.go(() -> {
                        try {
                            ErrGroup g = new ErrGroup();
                            g.go(() -> {
                                seen.set(GoScheduler.current());
                            });
                            result.set(g.await());
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    })
                    .join();
            assertEquals(Optional.empty(), result.get());
            assertSame(s, seen.get().orElseThrow(), "the task ran off the caller's GoScheduler");
        }
    }

    @Test
    void tasksRunOnTheGivenFactory() throws InterruptedException {
        try (GoScheduler s = GoScheduler.create(1)) {
            AtomicReference<Optional<GoScheduler>> seen = new AtomicReference<>();
            ErrGroup g = ErrGroup.withContext(Context.background(), s.virtualThreadFactory());
            g.go(() -> {
                seen.set(GoScheduler.current());
            });
            assertEquals(Optional.empty(), g.await());
            assertSame(s, seen.get().orElseThrow());

            // from a platform thread, the default builder uses the JDK's own scheduler
            ErrGroup plain = new ErrGroup();
            AtomicBoolean virtual = new AtomicBoolean();
            plain.go(() -> {
                virtual.set(Thread.currentThread().isVirtual());
                seen.set(GoScheduler.current());
            });
            plain.await();
            assertTrue(virtual.get());
            assertTrue(seen.get().isEmpty());
        }
    }

    @Test
    void aFailingFactoryGivesTheSlotBack() throws InterruptedException {
        ErrGroup g = new ErrGroup(r -> {
            throw new IllegalStateException("no threads today");
        });
        g.setLimit(1);
        assertThrows(IllegalStateException.class, () -> g.go(() -> {}));
        assertThrows(
                IllegalStateException.class,
                () -> g.tryGo(() -> {}),
                "the slot was given back, so tryGo got as far as the factory");
        assertEquals(Optional.empty(), g.await());
    }
}

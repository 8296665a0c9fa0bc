package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.internal.Deadlocks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channels' side of deadlock detection: a thread blocked in a channel operation, declared
 * deadlocked through {@link Deadlocks}, fails that operation with {@link DeadlockException},
 * and the operation did not happen.
 */
@Timeout(30)
class DeadlockHookTest {

    /** A body that may throw. */
    interface Body {
        Object run() throws Exception;
    }

    /** Waits (bounded, 10 s) until {@code t} is parked on a weft blocker. */
    private static void awaitParkedInWeft(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (; ; ) {
            Object b = LockSupport.getBlocker(t);
            if (t.getState() == Thread.State.WAITING
                    && b != null
                    && b.getClass().getPackageName().equals("dev.weft.channels")) {
                return;
            }
            assertTrue(t.isAlive(), "thread ended before parking");
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for " + t + " to park");
            LockSupport.parkNanos(100_000);
        }
    }

    /** Runs {@code body} on {@code s}; the outcome (value or throwable) lands in {@code out}. */
    private static Thread start(GoScheduler s, AtomicReference<Object> out, Body body) {
        return s.go(() -> {
            try {
                out.set(body.run());
            } catch (Throwable e) {
                out.set(e);
            }
        });
    }

    /** Declares {@code t} deadlocked and returns the exception its operation threw. */
    private static DeadlockException declareAndExpect(Thread t, AtomicReference<Object> out) throws Exception {
        awaitParkedInWeft(t);
        DeadlockException declared = new DeadlockException(1, "test");
        Deadlocks.declare(t, declared);
        assertTrue(t.join(Duration.ofSeconds(10)), "the declared thread did not wake");
        assertSame(declared, out.get());
        // the stack trace is the blocked thread's, not the declarer's
        boolean ours = false;
        for (StackTraceElement f : declared.getStackTrace()) {
            ours |= f.getClassName().startsWith("dev.weft.channels.");
        }
        assertTrue(ours, () -> "stack trace " + List.of(declared.getStackTrace()));
        assertNull(Deadlocks.take(t), "taken exactly once");
        return declared;
    }

    @Test
    void blockedReceiveThrows() throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, ch::receive);
            DeadlockException e = declareAndExpect(t, out);
            assertEquals("all goroutines are asleep - deadlock! (1 virtual thread of test parked)", e.getMessage());
            // the channel still works, and no receiver is left queued
            assertTrue(!ch.trySend(1), "no receiver left waiting");
        }
    }

    @Test
    void blockedSendThrowsAndTheValueStaysWithTheSender() throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, () -> {
                ch.send(42);
                return "sent";
            });
            declareAndExpect(t, out);
            assertNull(ch.receive(Duration.ofMillis(100)), "the value was not delivered");
        }
    }

    @Test
    void blockedSendOnAFullBufferThrows() throws Exception {
        Chan<Integer> ch = Chan.buffered(1);
        ch.send(1);
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, () -> {
                ch.send(2);
                return "sent";
            });
            declareAndExpect(t, out);
            assertEquals(1, ch.receive());
            assertNull(ch.receive(Duration.ofMillis(100)), "2 was not delivered");
        }
    }

    @Test
    void blockedSelectThrowsAndCommitsNoCase() throws Exception {
        Chan<Integer> in = Chan.unbuffered();
        Chan<Integer> outCh = Chan.unbuffered();
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(
                    s, out, () -> Select.select(in.onReceive(v -> "received " + v), outCh.onSend(7, () -> "sent")));
            declareAndExpect(t, out);
            assertNull(outCh.receive(Duration.ofMillis(100)), "the send case did not commit");
            assertTrue(!in.trySend(1), "the receive case is no longer waiting");
        }
    }

    @Test
    void emptySelectThrows() throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, () -> Select.select());
            declareAndExpect(t, out);
        }
    }

    @Test
    void blockedWaitGroupAwaitThrows() throws Exception {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, () -> {
                wg.await();
                return "released";
            });
            declareAndExpect(t, out);
            wg.done(); // no waiter left; the counter works as before
            assertEquals(0, wg.count());
        }
    }

    @Test
    void aStaleDeclarationDoesNotFailALaterOperation() throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        CountDownLatch first = new CountDownLatch(1);
        AtomicReference<Object> out = new AtomicReference<>();
        try (GoScheduler s = GoScheduler.create(2)) {
            Thread t = start(s, out, () -> {
                first.await(); // declared while parked here: not a weft operation
                return ch.receive();
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() - deadline < 0, "timed out");
                LockSupport.parkNanos(100_000);
            }
            Deadlocks.declare(t, new DeadlockException("stale"));
            first.countDown();
            awaitParkedInWeft(t);
            LockSupport.unpark(t); // a spurious wake-up: the receive looks, and drops the stale entry
            ch.send(5);
            assertTrue(t.join(Duration.ofSeconds(10)));
            assertEquals(5, out.get());
        }
    }
}

package dev.weft.channels;

import static dev.weft.channels.ChanThreadKindsTest.HANG;
import static dev.weft.channels.ChanThreadKindsTest.awaitBlocked;
import static dev.weft.channels.ChanThreadKindsTest.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.channels.ChanThreadKindsTest.Rounds;
import dev.weft.channels.ChanThreadKindsTest.ThreadKind;
import dev.weft.channels.ChanThreadKindsTest.Threads;
import dev.weft.test.GoroutineLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interrupts racing with sends and receives. The rule: an interrupted operation either completed
 * (it returns normally, with the interrupt status set) or it had no effect (it throws
 * {@link InterruptedException}, with the status cleared, and no value moved): never both, never
 * lost.
 */
@ExtendWith(GoroutineLeakCheck.class) // no goroutine outlives a test (weft-test)
@GoroutineLeakCheck.Options(includeJdkDefaultScheduler = true)
class ChanInterruptTest {

    private static final int FILLER = -1;
    private static final int PENDING = 0;
    private static final int RETURNED = 1;
    private static final int THREW = 2;

    private static Rounds rounds(ThreadKind kind) {
        return new Rounds(300, kind == ThreadKind.PLATFORM ? 600 : 1200, Duration.ofMillis(1200));
    }

    /** Waits (bounded) until the flag is set, without sleeping and ignoring interrupts. */
    private static void awaitFlag(AtomicBoolean flag) {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!flag.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("flag never set");
            }
            Thread.yield();
        }
    }

    /** Waits (bounded) until {@code t} parks or {@code outcome} leaves PENDING. */
    private static void awaitParkedOrDone(Thread t, AtomicInteger outcome) {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (outcome.get() == PENDING) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(t.getName() + " neither parked nor finished: " + s);
            }
            Thread.onSpinWait();
        }
    }

    /** Interrupts {@code t} at a random moment: at once, after a random spin, or once it parked. */
    private static void interruptAtRandom(SplittableRandom rnd, Thread t, AtomicInteger outcome) {
        switch (rnd.nextInt(3)) {
            case 0 -> {}
            case 1 -> spin(rnd.nextInt(5_000));
            default -> {
                awaitParkedOrDone(t, outcome);
                spin(rnd.nextInt(2_000));
            }
        }
        t.interrupt();
    }

    private static List<Integer> drain(Chan<Integer> ch) {
        List<Integer> got = new ArrayList<>();
        for (Integer v; (v = ch.tryReceive()) != null; ) {
            got.add(v);
        }
        return got;
    }

    // ---- racing ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedSendEitherDeliveredOnceOrNotAtAll(ThreadKind kind) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        Rounds rounds = rounds(kind);
        long sentNormally = 0;
        long received = 0;
        int threw = 0;
        try (Threads threads = kind.open()) {
            for (int round = 0; rounds.more(round); round++) {
                int cap = rnd.nextInt(2);
                Chan<Integer> ch = Chan.buffered(cap);
                if (cap == 1) {
                    ch.send(FILLER); // full: the send below blocks
                }
                int value = round;
                boolean timed = rnd.nextBoolean();
                AtomicInteger outcome = new AtomicInteger(PENDING);
                AtomicBoolean interruptIssued = new AtomicBoolean();
                AtomicReference<Boolean> statusAfter = new AtomicReference<>();
                Thread sender = threads.start("sender-" + round, () -> {
                    try {
                        if (timed) {
                            assertTrue(ch.send(value, HANG));
                        } else {
                            ch.send(value);
                        }
                        outcome.set(RETURNED);
                    } catch (InterruptedException e) {
                        outcome.set(THREW);
                    }
                    awaitFlag(interruptIssued);
                    statusAfter.set(Thread.interrupted());
                });
                List<Integer> got = Collections.synchronizedList(new ArrayList<>());
                int receiverMode = rnd.nextInt(3);
                int receiverSpin = rnd.nextInt(5_000);
                long receiverTimeout = rnd.nextLong(1, 100_000);
                Thread receiver = receiverMode == 0
                        ? null
                        : threads.start("receiver-" + round, () -> {
                            spin(receiverSpin);
                            Integer v =
                                    receiverMode == 1 ? ch.tryReceive() : ch.receive(Duration.ofNanos(receiverTimeout));
                            if (v != null) {
                                got.add(v);
                            }
                        });
                interruptAtRandom(rnd, sender, outcome);
                interruptIssued.set(true);
                threads.join(sender);
                if (receiver != null) {
                    threads.join(receiver);
                }
                threads.rethrowFailures();
                got.addAll(drain(ch));

                String where = kind + " round " + round + " cap " + cap + (timed ? " timed" : "") + " receiver mode "
                        + receiverMode + ": ";
                long delivered = got.stream().filter(v -> v == value).count();
                assertEquals(cap, got.stream().filter(v -> v == FILLER).count(), where + "the filler must survive");
                switch (outcome.get()) {
                    case RETURNED -> {
                        assertEquals(
                                1, delivered, where + "send returned normally, so the value must arrive exactly once");
                        assertEquals(
                                Boolean.TRUE,
                                statusAfter.get(),
                                where + "completed despite the interrupt: status must stay set");
                        sentNormally++;
                    }
                    case THREW -> {
                        assertEquals(
                                0, delivered, where + "send threw InterruptedException, yet the value was delivered");
                        assertEquals(Boolean.FALSE, statusAfter.get(), where + "the exception consumed the interrupt");
                        threw++;
                    }
                    default -> fail(where + "no outcome");
                }
                received += delivered;
            }
        }
        assertEquals(sentNormally, received, "sends that returned normally == values received");
        assertTrue(
                threw > 0 && sentNormally > 0,
                "both outcomes must occur for the race to mean something: threw " + threw + ", sent " + sentNormally);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedReceiveTookTheValueIffItReturnedIt(ThreadKind kind) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        Rounds rounds = rounds(kind);
        long sent = 0;
        long received = 0;
        int threw = 0;
        try (Threads threads = kind.open()) {
            for (int round = 0; rounds.more(round); round++) {
                int cap = rnd.nextInt(2);
                Chan<Integer> ch = Chan.buffered(cap);
                int value = round;
                int receiveMode = rnd.nextInt(3);
                AtomicInteger outcome = new AtomicInteger(PENDING);
                AtomicReference<Integer> got = new AtomicReference<>();
                AtomicBoolean interruptIssued = new AtomicBoolean();
                AtomicReference<Boolean> statusAfter = new AtomicReference<>();
                Thread receiver = threads.start("receiver-" + round, () -> {
                    try {
                        got.set(
                                switch (receiveMode) {
                                    case 0 -> ch.receive();
                                    case 1 -> ch.receive(HANG);
                                    default -> ch.receiveOrNull();
                                });
                        outcome.set(RETURNED);
                    } catch (InterruptedException e) {
                        outcome.set(THREW);
                    }
                    awaitFlag(interruptIssued);
                    statusAfter.set(Thread.interrupted());
                });
                AtomicBoolean delivered = new AtomicBoolean();
                int senderMode = rnd.nextInt(3);
                int senderSpin = rnd.nextInt(5_000);
                long senderTimeout = rnd.nextLong(1, 100_000);
                Thread sender = senderMode == 0
                        ? null
                        : threads.start("sender-" + round, () -> {
                            spin(senderSpin);
                            delivered.set(
                                    senderMode == 1
                                            ? ch.trySend(value)
                                            : ch.send(value, Duration.ofNanos(senderTimeout)));
                        });
                interruptAtRandom(rnd, receiver, outcome);
                interruptIssued.set(true);
                threads.join(receiver);
                if (sender != null) {
                    threads.join(sender);
                }
                threads.rethrowFailures();
                List<Integer> left = drain(ch);

                String where = kind + " round " + round + " cap " + cap + " receive mode " + receiveMode
                        + " sender mode " + senderMode + ": ";
                switch (outcome.get()) {
                    case RETURNED -> {
                        assertEquals(value, got.get(), where + "receive returned normally, so it must have the value");
                        assertTrue(
                                delivered.get(), where + "the receiver has a value the sender says it didn't deliver");
                        assertEquals(List.of(), left, where + "the value was taken twice");
                        assertEquals(
                                Boolean.TRUE,
                                statusAfter.get(),
                                where + "completed despite the interrupt: status must stay set");
                        received++;
                    }
                    case THREW -> {
                        assertNull(got.get());
                        assertEquals(
                                delivered.get() ? List.of(value) : List.of(),
                                left,
                                where
                                        + "receive threw InterruptedException: a delivered value must still be in the channel");
                        assertEquals(Boolean.FALSE, statusAfter.get(), where + "the exception consumed the interrupt");
                        received += left.size();
                        threw++;
                    }
                    default -> fail(where + "no outcome");
                }
                if (delivered.get()) {
                    sent++;
                }
            }
        }
        assertEquals(sent, received, "values delivered == values received (by the receiver or left in the channel)");
        assertTrue(threw > 0 && sent > 0, "both outcomes must occur: threw " + threw + ", sent " + sent);
    }

    // ---- deterministic ------------------------------------------------------------------------

    @Test
    void anInterruptedThreadCannotStartABlockingOperation() {
        Chan<Integer> ch = Chan.buffered(1);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> ch.send(1), "even with room in the buffer");
        assertFalse(Thread.currentThread().isInterrupted(), "the exception consumed the interrupt");
        assertEquals(0, ch.len(), "nothing buffered");

        assertTrue(ch.trySend(2));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, ch::receive, "even with a value ready");
        assertEquals(1, ch.len(), "nothing taken");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> ch.receive(HANG));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, ch::receiveOrNull);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> ch.send(3, HANG));
        assertEquals(1, ch.len());
        assertFalse(Thread.interrupted());
    }

    @Test
    void nonBlockingOperationsIgnoreAndKeepTheInterruptStatus() {
        Chan<Integer> ch = Chan.buffered(1);
        Thread.currentThread().interrupt();
        try {
            assertTrue(ch.trySend(1));
            assertFalse(ch.trySend(2));
            assertEquals(1, ch.tryReceive());
            assertNull(ch.tryReceive());
            assertTrue(Thread.currentThread().isInterrupted(), "status kept");
        } finally {
            Thread.interrupted();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBlockedSendInterruptedLeavesNoTrace(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        try (Threads threads = kind.open()) {
            Thread s = threads.start("sender", () -> {
                try {
                    ch.send(1);
                } catch (InterruptedException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitBlocked(s);
            s.interrupt();
            threads.joinAll();
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(statusAfter.get());
        assertNull(ch.tryReceive(), "the interrupted sender is no longer offering its value");
        assertNull(ch.receive(Duration.ofMillis(5)), "nor to a blocking receiver");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBlockedReceiveInterruptedLeavesNoTrace(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            Thread r = threads.start("receiver", () -> {
                try {
                    ch.receive();
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            awaitBlocked(r);
            r.interrupt();
            threads.joinAll();
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(ch.trySend(1), "the interrupted receiver is no longer waiting");
        assertFalse(ch.send(2, Duration.ofMillis(5)));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedRangeThrowsCancellationAndKeepsTheStatus(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.buffered(4);
        ch.send(1);
        List<Integer> got = new ArrayList<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean();
        try (Threads threads = kind.open()) {
            Thread r = threads.start("ranger", () -> {
                try {
                    for (Integer v : ch) {
                        got.add(v);
                    }
                } catch (CancellationException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.interrupted());
                }
            });
            awaitBlocked(r);
            r.interrupt();
            threads.joinAll();
        }
        assertEquals(List.of(1), got);
        assertInstanceOf(CancellationException.class, thrown.get());
        assertInstanceOf(InterruptedException.class, thrown.get().getCause());
        assertTrue(statusAfter.get(), "the range keeps the interrupt status");
    }
}

package dev.weft.channels;

import static dev.weft.channels.ChanThreadKindsTest.HANG;
import static dev.weft.channels.ChanThreadKindsTest.awaitBlocked;
import static dev.weft.channels.ChanThreadKindsTest.spin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.channels.ChanThreadKindsTest.Rounds;
import dev.weft.channels.ChanThreadKindsTest.ThreadKind;
import dev.weft.channels.ChanThreadKindsTest.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's select rules: {@link Select}, {@link SelectClause}. */
class SelectTest {

    /**
     * Chi-square with 2 degrees of freedom at p = 1e-6 ({@code -2 ln 1e-6}): a uniform select
     * fails a test about once in a million runs (at p = 0.001 it failed a CI run: [9703, 10215,
     * 10082], chi2 14.1), while a bias of 5% towards one case over 30,000 picks gives about 37.
     */
    private static final double CHI2_2DF_P1E6 = 27.6;

    /**
     * White box: no waiter (stale or live) in either queue of {@code ch}. Once every operation on
     * a channel has returned, its queues must be empty: a select unlinks its losing cases, a
     * cancelled waiter unlinks itself.
     */
    private static boolean noWaiters(Chan<?> ch) {
        ch.lock();
        try {
            return ch.recvq.isEmpty() && ch.sendq.isEmpty();
        } finally {
            ch.unlock();
        }
    }

    private static double chiSquare(int[] counts) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        double expected = (double) total / counts.length;
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        return chi2;
    }

    // ---- fairness -----------------------------------------------------------------------------

    @Test
    void readyReceiveCasesAreChosenUniformly() throws Exception {
        List<Chan<Integer>> chans = List.of(Chan.buffered(1), Chan.buffered(1), Chan.buffered(1));
        for (Chan<Integer> ch : chans) {
            ch.send(0);
        }
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            int k = Select.select(
                    chans.get(0).onReceive(v -> 0),
                    chans.get(1).onReceive(v -> 1),
                    chans.get(2).onReceive(v -> 2));
            counts[k]++;
            assertTrue(chans.get(k).trySend(0), "refill"); // keep all three ready
        }
        double chi2 = chiSquare(counts);
        assertTrue(chi2 < CHI2_2DF_P1E6, "not uniform: " + java.util.Arrays.toString(counts) + " chi2 " + chi2);
    }

    @Test
    void readyCasesOfMixedKindsAreChosenUniformly() throws Exception {
        Chan<Integer> in = Chan.buffered(1);
        Chan<Integer> out = Chan.buffered(1);
        Chan<Integer> same = Chan.buffered(2); // both a send and a receive case on it
        in.send(0);
        same.send(0);
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            int k = Select.select(
                    in.onReceive(v -> 0),
                    out.onSend(1, () -> 1),
                    same.onReceive(v -> 2),
                    Select.when(false, same.onSend(9, () -> 99)));
            counts[k]++;
            switch (k) {
                case 0 -> in.send(0);
                case 1 -> out.receive();
                default -> same.send(0);
            }
            assertEquals(1, same.len(), "the disabled send case never fires");
        }
        double chi2 = chiSquare(counts);
        assertTrue(chi2 < CHI2_2DF_P1E6, "not uniform: " + java.util.Arrays.toString(counts) + " chi2 " + chi2);
    }

    // ---- default ------------------------------------------------------------------------------

    @Test
    void defaultRunsOnlyWhenNothingIsReadyAndNeverBlocksOrConsumes() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Chan<Integer> unbuf = Chan.unbuffered();
            Chan<Integer> full = Chan.buffered(1);
            full.send(1);
            Chan<Integer> empty = Chan.buffered(3);
            for (int i = 0; i < 1000; i++) {
                String r = Select.select(
                        unbuf.onReceive(v -> "unbuf recv"),
                        unbuf.onSend(5, () -> "unbuf send"),
                        full.onSend(2, () -> "full send"),
                        empty.onReceive(v -> "empty recv"),
                        Select.orDefault(() -> "default"));
                assertEquals("default", r);
            }
            assertFalse(unbuf.trySend(7), "default left no receiver behind");
            assertNull(unbuf.tryReceive(), "default left no sender behind");
            assertEquals(1, full.len());
            assertEquals(1, full.tryReceive(), "the refused send was not buffered");
            assertEquals(0, empty.len());
            assertTrue(noWaiters(unbuf) && noWaiters(full) && noWaiters(empty));
            assertEquals("only", Select.select(Select.orDefault(() -> "only")));

            Chan<Integer> ready = Chan.buffered(1);
            for (int i = 0; i < 1000; i++) {
                ready.send(i);
                assertEquals(
                        i,
                        Select.select(ready.onReceive(v -> v), Select.orDefault(() -> -1)),
                        "default chosen although a case was ready");
            }
        });
    }

    @Test
    void moreThanOneDefaultIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Select.select(Select.orDefault(() -> 1), Select.orDefault(() -> 2)));
        assertThrows(
                NullPointerException.class,
                () -> Select.select(Chan.<Integer>buffered(1).onReceive(), null));
    }

    @Test
    void selectOverAList() throws Exception {
        Chan<String> a = Chan.buffered(1);
        a.send("x");
        List<SelectClause<String>> cases = List.of(Chan.<String>unbuffered().onReceive(), a.onReceive());
        assertEquals("x", Select.select(cases));
    }

    // ---- racing selects -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoSelectsRacingForOneValueExactlyOneGetsIt(ThreadKind kind) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        Rounds rounds = new Rounds(200, kind == ThreadKind.PLATFORM ? 300 : 600, Duration.ofMillis(1000));
        int[] winners = new int[2];
        try (Threads threads = kind.open()) {
            for (int round = 0; rounds.more(round); round++) {
                Chan<Integer> ch = Chan.buffered(rnd.nextInt(2));
                Chan<Integer> quit = Chan.unbuffered();
                List<String> results = new CopyOnWriteArrayList<>();
                Thread[] ts = new Thread[2];
                for (int j = 0; j < 2; j++) {
                    int i = (round & 1) == 0 ? j : 1 - j; // alternate who starts first: on one P, the first one wins
                    String me = "s" + i;
                    ts[i] = threads.start(
                            "select-" + i + "-" + round,
                            () -> results.add(Select.select(
                                    ch.onReceive(v -> me + " got " + v), quit.onReceiveOk((v, ok) -> me + " quit"))));
                }
                if (rnd.nextBoolean()) {
                    awaitBlocked(ts[0]);
                    awaitBlocked(ts[1]);
                } else {
                    spin(rnd.nextInt(3_000));
                }
                assertTrue(ch.send(round, HANG));
                long deadline = System.nanoTime() + HANG.toNanos();
                while (results.isEmpty()) { // close quit only once the value found a taker
                    if (System.nanoTime() > deadline) {
                        fail("no select took the value");
                    }
                    Thread.onSpinWait();
                }
                quit.close();
                threads.join(ts[0]);
                threads.join(ts[1]);
                threads.rethrowFailures();
                String gotSuffix = " got " + round;
                List<String> got =
                        results.stream().filter(r -> r.endsWith(gotSuffix)).toList();
                assertEquals(1, got.size(), "round " + round + ": " + results);
                assertEquals(
                        1,
                        results.stream().filter(r -> r.endsWith(" quit")).count(),
                        "round " + round + ": " + results);
                winners[got.get(0).startsWith("s0") ? 0 : 1]++;
                assertNull(ch.tryReceive(), "the value was taken, not copied");
                assertTrue(noWaiters(ch), "round " + round);
            }
        }
        assertTrue(
                winners[0] > 0 && winners[1] > 0,
                "each select should win sometimes: " + java.util.Arrays.toString(winners));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSelectSendMeetsASelectReceiveOnAnUnbufferedChannel(ThreadKind kind) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        Rounds rounds = new Rounds(200, kind == ThreadKind.PLATFORM ? 300 : 1000, Duration.ofMillis(1000));
        try (Threads threads = kind.open()) {
            for (int round = 0; rounds.more(round); round++) {
                Chan<Integer> ch = Chan.unbuffered();
                Chan<Integer> idle1 = Chan.unbuffered(); // the send select receives here: nobody sends
                Chan<Integer> idle2 = Chan.unbuffered(); // the send select sends here: nobody receives
                Chan<Integer> idle3 = Chan.unbuffered(); // the same for the receive select
                Chan<Integer> idle4 = Chan.unbuffered();
                int value = round;
                AtomicReference<String> sendResult = new AtomicReference<>();
                AtomicReference<Integer> recvResult = new AtomicReference<>();
                Runnable[] order = new Runnable[2];
                List<Thread> ts = new ArrayList<>();
                order[0] = () -> ts.add(threads.start(
                        "select-send",
                        () -> sendResult.set(Select.select(
                                idle1.onReceive(v -> "idle"),
                                ch.onSend(value, () -> "sent"),
                                idle2.onSend(0, () -> "idle")))));
                order[1] = () -> ts.add(threads.start(
                        "select-recv",
                        () -> recvResult.set(Select.select(
                                idle3.onReceive(v -> -1), ch.onReceive(v -> v), idle4.onSend(0, () -> -2)))));
                int first = rnd.nextInt(2);
                order[first].run();
                if (rnd.nextBoolean()) {
                    awaitBlocked(ts.get(0)); // the second select finds the first one's waiter in pass 1
                }
                order[1 - first].run();
                for (Thread t : ts) {
                    threads.join(t);
                }
                threads.rethrowFailures();
                assertEquals("sent", sendResult.get(), "round " + round);
                assertEquals(value, recvResult.get(), "round " + round);
                for (Chan<Integer> c : List.of(ch, idle1, idle2, idle3, idle4)) {
                    assertTrue(noWaiters(c), "round " + round + ": a losing case left a waiter");
                }
            }
        }
    }

    // ---- one channel in several cases ---------------------------------------------------------

    @Test
    void sendAndReceiveCasesOnOneBufferedChannel() throws Exception {
        Chan<Integer> ch = Chan.buffered(1);
        for (int i = 0; i < 200; i++) {
            String r = Select.select(ch.onSend(i, () -> "sent"), ch.onReceive(v -> "received " + v));
            assertEquals("sent", r, "empty: only the send is ready");
            assertEquals(1, ch.len());
            r = Select.select(ch.onSend(-1, () -> "sent"), ch.onReceive(v -> "received " + v));
            assertEquals("received " + i, r, "full: only the receive is ready");
            assertEquals(0, ch.len());
        }
        Chan<Integer> half = Chan.buffered(2);
        half.send(0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String r = Select.select(half.onSend(0, () -> "sent"), half.onReceive(v -> "received"));
            seen.add(r);
            if (r.equals("sent")) {
                half.receive();
            } else {
                half.send(0);
            }
            assertEquals(1, half.len());
        }
        assertEquals(Set.of("sent", "received"), seen, "both ready: both must be chosen sometimes");
    }

    @Test
    void twoReadyReceiveCasesOnOneChannelAreBothChosen() throws Exception {
        Chan<Integer> ch = Chan.buffered(1);
        int[] counts = new int[2];
        for (int i = 0; i < 2000; i++) {
            ch.send(i);
            int v = i;
            counts[
                    Select.<Integer>select(
                            ch.onReceive(x -> {
                                assertEquals(v, x);
                                return 0;
                            }),
                            ch.onReceive(x -> {
                                assertEquals(v, x);
                                return 1;
                            }))]++;
            assertEquals(0, ch.len(), "one receive, not two");
        }
        assertTrue(counts[0] > 800 && counts[1] > 800, java.util.Arrays.toString(counts));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoBlockedReceiveCasesOnOneChannelCommitOnce(ThreadKind kind) throws Exception {
        try (Threads threads = kind.open()) {
            for (int round = 0; round < 50; round++) {
                Chan<Integer> ch = Chan.unbuffered();
                AtomicReference<String> result = new AtomicReference<>();
                Thread t = threads.start(
                        "select",
                        () -> result.set(Select.select(
                                ch.onReceive(v -> "first " + v), ch.onReceiveOk((v, ok) -> "second " + v + " " + ok))));
                awaitBlocked(t);
                ch.send(7);
                threads.join(t);
                threads.rethrowFailures();
                assertTrue(result.get().equals("first 7") || result.get().equals("second 7 true"), result.get());
                assertFalse(ch.trySend(8), "the other case of the select is not still waiting");
                assertTrue(noWaiters(ch));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSelectNeverMeetsItselfOnOneUnbufferedChannel(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        List<String> results = new CopyOnWriteArrayList<>();
        try (Threads threads = kind.open()) {
            Thread t = threads.start("select", () -> {
                for (int i = 0; i < 2; i++) {
                    results.add(Select.select(ch.onSend(1, () -> "sent"), ch.onReceive(v -> "received " + v)));
                }
            });
            awaitBlocked(t);
            for (int i = 0; i < 1000; i++) {
                Thread.yield();
            }
            assertEquals(List.of(), results, "the select's send case met its own receive case");
            assertEquals(1, ch.receive(), "a plain receiver meets the send case");
            awaitBlocked(t); // the second select
            ch.send(2);
            threads.joinAll();
        }
        assertEquals(List.of("sent", "received 2"), results);
        assertTrue(noWaiters(ch));
    }

    // ---- losing cases -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aLosingReceiveCaseLeavesNoTrace(ThreadKind kind) throws Exception {
        Chan<Integer> a = Chan.unbuffered();
        Chan<Integer> b = Chan.unbuffered();
        AtomicReference<String> result = new AtomicReference<>();
        AtomicReference<Integer> plain = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            Thread t = threads.start(
                    "select", () -> result.set(Select.select(a.onReceive(v -> "A " + v), b.onReceive(v -> "B " + v))));
            awaitBlocked(t);
            b.send(1);
            threads.join(t);
            assertEquals("B 1", result.get());
            assertFalse(a.trySend(2), "the losing case on A must not still be waiting");
            assertTrue(noWaiters(a) && noWaiters(b), "queues empty after the select");

            Thread r = threads.start("plain-receiver", () -> plain.set(a.receive()));
            awaitBlocked(r);
            a.send(3);
            threads.joinAll();
            assertEquals(3, plain.get(), "a later send to A reaches the plain receiver");
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aLosingSendCaseLeavesNoTrace(ThreadKind kind) throws Exception {
        Chan<Integer> a = Chan.unbuffered();
        Chan<Integer> b = Chan.buffered(1);
        b.send(0); // full
        AtomicReference<String> result = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            Thread t = threads.start(
                    "select", () -> result.set(Select.select(a.onSend(10, () -> "A"), b.onSend(20, () -> "B"))));
            awaitBlocked(t);
            assertEquals(0, b.receive()); // makes room: the select's send on B moves in
            threads.joinAll();
        }
        assertEquals("B", result.get());
        assertNull(a.tryReceive(), "the losing send on A must not still offer its value");
        assertNull(a.receive(Duration.ofMillis(5)));
        assertEquals(20, b.tryReceive());
        assertNull(b.tryReceive());
        assertTrue(noWaiters(a) && noWaiters(b));
    }

    // ---- disabled cases -----------------------------------------------------------------------

    @Test
    void whenFalseDisablesACase() throws Exception {
        Chan<Integer> ready = Chan.buffered(1);
        ready.send(1);
        Chan<Integer> closed = Chan.buffered(1);
        closed.close();
        Chan<Integer> room = Chan.buffered(1);
        for (int i = 0; i < 100; i++) {
            String r = Select.select(
                    Select.when(false, ready.onReceive(v -> "ready")),
                    Select.when(false, closed.onReceive(v -> "closed")),
                    Select.when(false, closed.onSend(1, () -> "send closed")),
                    Select.when(false, room.onSend(1, () -> "room")),
                    Select.orDefault(() -> "default"));
            assertEquals("default", r);
        }
        assertEquals(1, ready.len());
        assertEquals(0, room.len());
        assertEquals(
                "ready",
                Select.select(
                        Select.when(true, ready.onReceive(v -> "ready")),
                        Select.when(false, room.onSend(1, () -> "room"))));
        assertEquals(
                "room",
                Select.select(
                        Select.when(false, ready.onReceive(v -> "ready")),
                        Select.when(true, room.onSend(1, () -> "room"))));
        assertTrue(Select.when(false, ready.onReceive()).toString().contains("disabled"));
    }

    /** Go's {@code var out chan T; if v != nil { out = ch }; select { case out <- v: ... }}. */
    @Test
    void aDisabledSendCaseMayCarryNull() throws Exception {
        Chan<String> ch = Chan.buffered(1);
        String nothing = null;
        assertEquals(
                "default",
                Select.select(Select.when(false, ch.onSend(nothing, () -> "sent")), Select.orDefault(() -> "default")));
        assertEquals(
                "default", Select.select(Select.when(false, ch.onSend(nothing)), Select.orDefault(() -> "default")));
        Chan<String> ready = Chan.buffered(1);
        ready.send("r");
        assertEquals(
                "got r",
                Select.select(Select.when(false, ch.onSend(nothing, () -> "sent")), ready.onReceive(v -> "got " + v)));
        assertEquals(0, ch.len(), "nothing sent");
        // enabled, the null is refused before anything commits, naming the case and the fix
        ready.send("r2");
        NullPointerException e = assertThrows(
                NullPointerException.class,
                () -> Select.select(
                        ready.onReceive(v -> "got " + v), Select.when(true, ch.onSend(nothing, () -> "sent"))));
        assertTrue(
                e.getMessage().contains("case 1 sends null") && e.getMessage().contains("Select.when(false"),
                e.getMessage());
        assertEquals(1, ready.len(), "no case committed");
        assertEquals(0, ch.len());
        assertThrows(NullPointerException.class, () -> Select.select(ch.onSend(nothing), Select.orDefault(() -> null)));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSelectWithNoEnabledCaseBlocksUntilInterrupted(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        try (Threads threads = kind.open()) {
            Thread t1 = threads.start("disabled-only", () -> {
                try {
                    Select.select(Select.when(false, ch.onReceive()), Select.when(false, ch.onSend(1)));
                    fail("returned");
                } catch (InterruptedException e) {
                    thrown.add(e);
                }
            });
            Thread t2 = threads.start("empty", () -> {
                try {
                    Select.select();
                    fail("returned");
                } catch (InterruptedException e) {
                    thrown.add(e);
                }
            });
            awaitBlocked(t1);
            awaitBlocked(t2);
            assertFalse(ch.trySend(5), "a disabled receive case is not waiting");
            assertNull(ch.tryReceive(), "a disabled send case is not waiting");
            for (int i = 0; i < 100; i++) {
                Thread.yield();
            }
            assertTrue(t1.isAlive() && t2.isAlive());
            t1.interrupt();
            t2.interrupt();
            threads.joinAll();
        }
        assertEquals(2, thrown.size());
    }

    // ---- interrupts ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptedSelectCommitsNothing(ThreadKind kind) throws Exception {
        Chan<Integer> a = Chan.unbuffered();
        Chan<Integer> b = Chan.unbuffered();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        try (Threads threads = kind.open()) {
            Thread t = threads.start("select", () -> {
                try {
                    Select.select(a.onReceive(v -> "A"), b.onSend(5, () -> "B"));
                    fail("committed");
                } catch (InterruptedException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitBlocked(t);
            t.interrupt();
            threads.joinAll();
        }
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(statusAfter.get(), "the exception consumed the interrupt");
        assertFalse(a.trySend(1), "the receive case is gone");
        assertNull(b.tryReceive(), "the send case is gone");
        assertTrue(noWaiters(a) && noWaiters(b));

        Chan<Integer> ready = Chan.buffered(1);
        ready.send(1);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Select.select(ready.onReceive()), "interrupted on entry");
        assertEquals(1, ready.len(), "nothing taken");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anInterruptRacingACounterpartCommitsAtMostOnce(ThreadKind kind) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        Rounds rounds = new Rounds(300, kind == ThreadKind.PLATFORM ? 600 : 1500, Duration.ofMillis(1000));
        int threw = 0;
        int committed = 0;
        try (Threads threads = kind.open()) {
            for (int round = 0; rounds.more(round); round++) {
                Chan<Integer> in = Chan.buffered(rnd.nextInt(2));
                Chan<Integer> out = Chan.unbuffered();
                Chan<Integer> idle = Chan.unbuffered();
                int value = round;
                AtomicReference<String> result = new AtomicReference<>();
                AtomicBoolean interruptIssued = new AtomicBoolean();
                AtomicReference<Boolean> statusAfter = new AtomicReference<>();
                Thread s = threads.start("select", () -> {
                    try {
                        result.set(Select.select(
                                in.onReceive(v -> "in " + v),
                                out.onSend(value, () -> "out"),
                                idle.onReceive(v -> "idle")));
                    } catch (InterruptedException e) {
                        result.set("interrupted");
                    }
                    long deadline = System.nanoTime() + HANG.toNanos();
                    while (!interruptIssued.get() && System.nanoTime() < deadline) {
                        Thread.yield();
                    }
                    statusAfter.set(Thread.interrupted());
                });
                boolean viaIn = rnd.nextBoolean();
                AtomicReference<Object> counterpart = new AtomicReference<>();
                int counterpartSpin = rnd.nextInt(5_000);
                Thread c = threads.start("counterpart", () -> {
                    spin(counterpartSpin);
                    counterpart.set(viaIn ? (Object) in.trySend(value) : out.tryReceive());
                });
                if (rnd.nextBoolean()) {
                    spin(rnd.nextInt(5_000));
                }
                s.interrupt();
                interruptIssued.set(true);
                threads.join(s);
                threads.join(c);
                threads.rethrowFailures();
                Integer leftIn = in.tryReceive();
                String where = kind + " round " + round + (viaIn ? " via in" : " via out") + ": result " + result.get()
                        + ", counterpart " + counterpart.get() + ", left " + leftIn + ": ";
                if (result.get().equals("interrupted")) {
                    threw++;
                    assertEquals(Boolean.FALSE, statusAfter.get(), where + "status");
                    if (viaIn) {
                        assertEquals(
                                Boolean.TRUE.equals(counterpart.get()) ? Integer.valueOf(value) : null,
                                leftIn,
                                where
                                        + "a value sent to a select that threw must stay in the channel (or never have been sent)");
                    } else {
                        assertNull(counterpart.get(), where + "a select that threw must not have sent");
                    }
                } else {
                    committed++;
                    assertEquals(
                            Boolean.TRUE,
                            statusAfter.get(),
                            where + "committed despite the interrupt: status must stay set");
                    assertEquals(viaIn ? "in " + value : "out", result.get(), where);
                    assertEquals(viaIn ? Boolean.TRUE : Integer.valueOf(value), counterpart.get(), where);
                    assertNull(leftIn, where);
                }
                for (Chan<Integer> ch : List.of(in, out, idle)) {
                    assertTrue(noWaiters(ch), where + "waiter left behind");
                }
            }
        }
        assertTrue(threw > 0 && committed > 0, "both outcomes must occur: threw " + threw + ", committed " + committed);
    }

    // ---- closed channels ----------------------------------------------------------------------

    @Test
    void aClosedChannelIsReadyInASelect() throws Exception {
        Chan<Integer> ch = Chan.buffered(2);
        ch.send(1);
        ch.close();
        Chan<Integer> idle = Chan.unbuffered();
        assertEquals(
                "1 true",
                Select.select(ch.onReceiveOk((v, ok) -> v + " " + ok), idle.onReceive(v -> "idle")),
                "buffered values first");
        assertEquals(
                "null false",
                Select.select(
                        ch.onReceiveOk((v, ok) -> v + " " + ok),
                        idle.onReceive(v -> "idle"),
                        Select.orDefault(() -> "default")),
                "closed and drained is ready: not the default");
        ChannelClosedException e = assertThrows(
                ChannelClosedException.class,
                () -> Select.select(ch.onReceive(v -> "value"), idle.onReceive(v -> "idle")));
        assertEquals("receive on closed channel", e.getMessage());
        e = assertThrows(
                ChannelClosedException.class,
                () -> Select.select(
                        ch.onSend(5, () -> "sent"), idle.onReceive(v -> "idle"), Select.orDefault(() -> "d")));
        assertEquals("send on closed channel", e.getMessage());
        Chan<Integer> unbufClosed = Chan.unbuffered();
        unbufClosed.close();
        e = assertThrows(ChannelClosedException.class, () -> Select.select(unbufClosed.onSend(5)));
        assertEquals("send on closed channel", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesBlockedSelects(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered(); // two selects receive here
        Chan<Integer> out = Chan.unbuffered(); // one select sends here
        Chan<Integer> idle = Chan.unbuffered(); // every select also receives here: nobody sends
        List<String> outcomes = new CopyOnWriteArrayList<>();
        try (Threads threads = kind.open()) {
            List<Thread> ts = List.of(
                    threads.start(
                            "receiveOk",
                            () -> outcomes.add(Select.select(
                                    ch.onReceiveOk((v, ok) -> "receiveOk " + v + " " + ok),
                                    idle.onReceive(v -> "idle")))),
                    threads.start("receive", () -> {
                        try {
                            outcomes.add(Select.select(ch.onReceive(v -> "value"), idle.onReceive(v -> "idle")));
                        } catch (ChannelClosedException e) {
                            outcomes.add("receive: " + e.getMessage());
                        }
                    }),
                    threads.start("send", () -> {
                        try {
                            outcomes.add(Select.select(idle.onReceive(v -> "idle"), out.onSend(1, () -> "sent")));
                        } catch (ChannelClosedException e) {
                            outcomes.add("send: " + e.getMessage());
                        }
                    }));
            for (Thread t : ts) {
                awaitBlocked(t);
            }
            ch.close();
            out.close();
            threads.joinAll();
        }
        assertEquals(
                List.of("receive: receive on closed channel", "receiveOk null false", "send: send on closed channel"),
                outcomes.stream().sorted().toList());
        assertTrue(noWaiters(idle), "the idle cases were unlinked");
        assertFalse(idle.trySend(1));
    }

    // ---- every case kind reaches every commit -------------------------------------------------

    /** A receive kind: its case on a channel, and what a select of it yields on a closed channel. */
    private record ReceiveKind(java.util.function.Function<Chan<Integer>, SelectClause<String>> on, String onClosed) {
        SelectClause<String> apply(Chan<Integer> ch) {
            return on.apply(ch);
        }
    }

    private static List<ReceiveKind> receiveKinds() {
        return List.of(
                new ReceiveKind(ch -> ch.onReceive(v -> "got " + v), "threw receive on closed channel"),
                new ReceiveKind(
                        ch -> ch.onReceiveOk((v, ok) -> ok ? "got " + v : "closed, ok=false"), "closed, ok=false"));
    }

    /** The select's result, or "threw" and the message of the ChannelClosedException it threw. */
    @SafeVarargs
    private static String outcome(SelectClause<String>... cases) throws InterruptedException {
        // Element by element: the varargs array itself passed on is javac's [varargs] warning.
        List<SelectClause<String>> clauses = new ArrayList<>();
        for (SelectClause<String> c : cases) {
            clauses.add(c);
        }
        try {
            return Select.select(clauses);
        } catch (ChannelClosedException e) {
            return "threw " + e.getMessage();
        }
    }

    /**
     * Passes 0 and 1: a ready case of each kind commits through each way it can complete (Go's
     * send to a waiting receiver, bufsend, sclose; recv from a waiting sender, unbuffered and with a
     * full buffer, bufrecv, rclose), never the default.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyCaseKindCommitsEveryWayWhenReady(ThreadKind kind) throws Exception {
        Chan<Integer> idle = Chan.unbuffered();
        try (Threads threads = kind.open()) {
            // send to a waiting receiver
            Chan<Integer> unbuf = Chan.unbuffered();
            AtomicReference<Integer> got = new AtomicReference<>();
            Thread receiver = threads.start("receiver", () -> got.set(unbuf.receive()));
            awaitBlocked(receiver);
            assertEquals(
                    "sent",
                    outcome(
                            unbuf.onSend(1, () -> "sent"),
                            idle.onReceive(v -> "idle"),
                            Select.orDefault(() -> "default")));
            threads.join(receiver);
            assertEquals(1, got.get());
            // send into the buffer
            Chan<Integer> roomy = Chan.buffered(1);
            assertEquals(
                    "sent",
                    outcome(
                            roomy.onSend(2, () -> "sent"),
                            idle.onReceive(v -> "idle"),
                            Select.orDefault(() -> "default")));
            assertEquals(2, roomy.tryReceive());
            // send on a closed channel
            Chan<Integer> closed = Chan.buffered(1);
            closed.close();
            assertEquals(
                    "threw send on closed channel",
                    outcome(
                            closed.onSend(3, () -> "sent"),
                            idle.onReceive(v -> "idle"),
                            Select.orDefault(() -> "default")));

            for (var receiveKind : receiveKinds()) {
                // receive from a waiting sender, unbuffered
                Chan<Integer> rendezvous = Chan.unbuffered();
                Thread sender = threads.start("sender", () -> rendezvous.send(4));
                awaitBlocked(sender);
                assertEquals(
                        "got 4",
                        outcome(
                                receiveKind.apply(rendezvous),
                                idle.onReceive(v -> "idle"),
                                Select.orDefault(() -> "default")));
                threads.join(sender);
                // receive from a full buffer with a waiting sender: the head, and the sender's value to the tail
                Chan<Integer> full = Chan.buffered(1);
                full.send(5);
                Thread tailSender = threads.start("tail sender", () -> full.send(6));
                awaitBlocked(tailSender);
                assertEquals(
                        "got 5",
                        outcome(
                                receiveKind.apply(full),
                                idle.onReceive(v -> "idle"),
                                Select.orDefault(() -> "default")));
                threads.join(tailSender);
                assertEquals(6, full.tryReceive(), "the waiting sender's value went to the tail");
                // receive from the buffer
                Chan<Integer> buffered = Chan.buffered(2);
                buffered.send(7);
                assertEquals(
                        "got 7",
                        outcome(
                                receiveKind.apply(buffered),
                                idle.onReceive(v -> "idle"),
                                Select.orDefault(() -> "default")));
                // receive on a closed and drained channel
                Chan<Integer> drained = Chan.buffered(1);
                drained.close();
                assertEquals(
                        receiveKind.onClosed(),
                        outcome(
                                receiveKind.apply(drained),
                                idle.onReceive(v -> "idle"),
                                Select.orDefault(() -> "default")));
            }
            threads.joinAll();
        }
        assertTrue(noWaiters(idle));
    }

    /**
     * Pass 2: a waiting case of each kind is committed by its counterpart through each way it can
     * complete (a receive meets the select's send node, with and without a full buffer; a send meets
     * its receive node, bypassing the buffer; close completes either), and leaves no waiter.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyCaseKindCommitsEveryWayWhileWaiting(ThreadKind kind) throws Exception {
        Chan<Integer> idle = Chan.unbuffered();
        try (Threads threads = kind.open()) {
            AtomicReference<String> result = new AtomicReference<>();
            // a send case taken by a receiver (Go's recv from a waiting sender), unbuffered
            Chan<Integer> unbuf = Chan.unbuffered();
            Thread select = threads.start(
                    "select", () -> result.set(outcome(unbuf.onSend(1, () -> "sent"), idle.onReceive(v -> "idle"))));
            awaitBlocked(select);
            assertEquals(1, unbuf.receive());
            threads.join(select);
            assertEquals("sent", result.get());
            // a send case on a full buffer: the receiver takes the head, the select's value goes to the tail
            Chan<Integer> full = Chan.buffered(1);
            full.send(2);
            select = threads.start(
                    "select", () -> result.set(outcome(full.onSend(3, () -> "sent"), idle.onReceive(v -> "idle"))));
            awaitBlocked(select);
            assertEquals(2, full.tryReceive());
            threads.join(select);
            assertEquals("sent", result.get());
            assertEquals(3, full.tryReceive());
            // a send case woken by close
            Chan<Integer> closing = Chan.unbuffered();
            select = threads.start(
                    "select", () -> result.set(outcome(closing.onSend(4, () -> "sent"), idle.onReceive(v -> "idle"))));
            awaitBlocked(select);
            closing.close();
            threads.join(select);
            assertEquals("threw send on closed channel", result.get());
            assertTrue(noWaiters(closing));

            for (var receiveKind : receiveKinds()) {
                // a receive case handed a value by a sender (Go's send to a waiting receiver): the buffer is bypassed
                Chan<Integer> empty = Chan.buffered(1);
                select = threads.start(
                        "select", () -> result.set(outcome(receiveKind.apply(empty), idle.onReceive(v -> "idle"))));
                awaitBlocked(select);
                assertTrue(empty.trySend(5));
                threads.join(select);
                assertEquals("got 5", result.get());
                assertEquals(0, empty.len(), "handed over, not buffered");
                // a receive case woken by close
                Chan<Integer> closingRecv = Chan.unbuffered();
                select = threads.start(
                        "select",
                        () -> result.set(outcome(receiveKind.apply(closingRecv), idle.onReceive(v -> "idle"))));
                awaitBlocked(select);
                closingRecv.close();
                threads.join(select);
                assertEquals(receiveKind.onClosed(), result.get());
                assertTrue(noWaiters(empty) && noWaiters(closingRecv));
            }
            threads.joinAll();
        }
        assertTrue(noWaiters(idle), "every losing idle case was unlinked");
    }

    @Test
    void everyCaseKindHasItsNameAndADisabledCopy() {
        Chan<Integer> ch = Chan.unbuffered();
        List<SelectClause<?>> kinds =
                List.of(ch.onSend(1), ch.onReceive(), ch.onReceiveOk((v, ok) -> ok), Select.orDefault(() -> "d"));
        List<String> names = new ArrayList<>();
        for (SelectClause<?> c : kinds) {
            SelectClause<?> off = Select.when(false, c);
            assertEquals(c.getClass(), off.getClass(), "a disabled copy keeps its kind");
            assertTrue(c.enabled() && !off.enabled());
            names.add(c + " / " + off);
        }
        assertEquals(
                List.of(
                        "SelectClause[send] / SelectClause[send disabled]",
                        "SelectClause[receive] / SelectClause[receive disabled]",
                        "SelectClause[receiveOk] / SelectClause[receiveOk disabled]",
                        "SelectClause[default] / SelectClause[default disabled]"),
                names);
    }

    // ---- many selects over overlapping channels -----------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manySelectsOverOverlappingChannelsNeitherDeadlockNorLoseValues(ThreadKind kind) {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> overlappingSelects(kind),
                () -> "deadlock? thread dump: " + ChanThreadKindsTest.dumpAllThreads("overlapping-selects-" + kind));
    }

    private static void overlappingSelects(ThreadKind kind) throws Exception {
        int threadsN = 8;
        int ops = 50_000;
        List<Chan<Long>> chans = List.of(Chan.unbuffered(), Chan.buffered(1), Chan.unbuffered(), Chan.buffered(4));
        Chan<Long> done = Chan.unbuffered();
        AtomicLong committed = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        List<List<Long>> sent = new ArrayList<>();
        List<List<Long>> received = new ArrayList<>();
        try (Threads threads = kind.open()) {
            for (int t = 0; t < threadsN; t++) {
                List<Long> mySent = new ArrayList<>();
                List<Long> myReceived = new ArrayList<>();
                sent.add(mySent);
                received.add(myReceived);
                long base = (long) t << 32;
                threads.start("selector-" + t, () -> {
                    SplittableRandom rnd = new SplittableRandom();
                    long seq = 0;
                    for (; ; ) {
                        // a random subset of the channels, in random order, each with a send case, a receive
                        // case or both; at least one with both, so that no set of blocked selects can be
                        // stuck for good: two blocked selects with both cases on one unbuffered channel meet
                        List<SelectClause<Long>> cases = new ArrayList<>();
                        int subset = rnd.nextInt(1, 16);
                        int forced = -1;
                        for (int k = 0; k < 4; k++) {
                            if ((subset & (1 << k)) != 0) {
                                forced = forced < 0 || rnd.nextBoolean() ? k : forced;
                            }
                        }
                        long v = base | seq;
                        for (int k : shuffled(rnd)) {
                            if ((subset & (1 << k)) == 0) {
                                continue;
                            }
                            Chan<Long> ch = chans.get(k);
                            int what = k == forced ? 3 : rnd.nextInt(1, 4);
                            if ((what & 1) != 0) {
                                cases.add(ch.onSend(v, () -> v));
                            }
                            if ((what & 2) != 0) {
                                cases.add(ch.onReceive(x -> -x - 1)); // negative: a received value
                            }
                        }
                        cases.add(rnd.nextInt(cases.size() + 1), done.onReceiveOk((x, ok) -> Long.MIN_VALUE));
                        long r = Select.select(cases);
                        if (r == Long.MIN_VALUE) {
                            return;
                        }
                        if (r >= 0) {
                            assertEquals(v, r);
                            mySent.add(v);
                            seq++;
                        } else {
                            myReceived.add(-r - 1);
                        }
                        if (committed.incrementAndGet() == ops) {
                            enough.countDown();
                        }
                    }
                });
            }
            assertTrue(
                    enough.await(HANG.toSeconds(), TimeUnit.SECONDS),
                    "only " + committed.get() + " of " + ops
                            + " selects committed: deadlock? thread dump: "
                            + ChanThreadKindsTest.dumpAllThreads("overlapping-" + kind));
            done.close();
            threads.joinAll();
        }
        Set<Long> sentAll = new HashSet<>();
        long sentCount = 0;
        for (List<Long> l : sent) {
            sentAll.addAll(l);
            sentCount += l.size();
        }
        assertEquals(sentCount, sentAll.size(), "a value was sent twice");
        List<Long> receivedAll = new ArrayList<>();
        received.forEach(receivedAll::addAll);
        for (Chan<Long> ch : chans) {
            for (Long x; (x = ch.tryReceive()) != null; ) {
                receivedAll.add(x);
            }
            assertTrue(noWaiters(ch), "waiter left behind");
        }
        assertTrue(sentCount > ops / 4, "too few sends to mean anything: " + sentCount);
        assertEquals(sentCount, receivedAll.size(), "values sent == values received (plus left in buffers)");
        assertEquals(sentAll, new HashSet<>(receivedAll), "the values received are the values sent");
    }

    private static int[] shuffled(SplittableRandom rnd) {
        int[] a = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    @Test
    void aDisabledDefaultIsNoDefault() throws Exception {
        Chan<Integer> ready = Chan.buffered(1);
        ready.send(7);
        // with the default disabled, the ready case commits (with it enabled, it still would: ready wins)
        assertEquals(
                "7",
                Select.select(ready.onReceive(v -> "" + v), Select.when(false, Select.orDefault(() -> "default"))));
        // nothing ready and the default disabled: the select blocks, so a timed-out interrupt ends it
        Chan<Integer> empty = Chan.unbuffered();
        Thread self = Thread.currentThread();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            while (self.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            self.interrupt();
        });
        assertThrows(
                InterruptedException.class,
                () -> Select.select(empty.onReceive(v -> "v"), Select.when(false, Select.orDefault(() -> "default"))));
        interrupter.join(10_000);
        // two defaults, one disabled, are fine
        assertEquals(
                "on", Select.select(Select.when(false, Select.orDefault(() -> "off")), Select.orDefault(() -> "on")));
    }
}

package dev.weft.channels;

import static dev.weft.channels.ChanThreadKindsTest.HANG;
import static dev.weft.channels.ChanThreadKindsTest.awaitBlocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.channels.ChanThreadKindsTest.ThreadKind;
import dev.weft.channels.ChanThreadKindsTest.Threads;
import dev.weft.test.GoroutineLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's channel rules, one by one: {@link Chan}, {@link SendChan}, {@link ReceiveChan}. */
@ExtendWith(GoroutineLeakCheck.class) // no goroutine outlives a test (weft-test)
@GoroutineLeakCheck.Options(includeJdkDefaultScheduler = true)
class ChanRulesTest {

    private static final Duration SHORT = Duration.ofMillis(20);

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    // ---- closed channels ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void sendOnClosedChannelThrows(int cap) {
        Chan<Integer> ch = Chan.buffered(cap);
        ch.close();
        ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.send(1));
        assertEquals("send on closed channel", e.getMessage());
        assertEquals(
                "send on closed channel",
                assertThrows(ChannelClosedException.class, () -> ch.send(1, SHORT))
                        .getMessage());
        assertEquals(
                "send on closed channel",
                assertThrows(ChannelClosedException.class, () -> ch.send(1, Duration.ZERO))
                        .getMessage());
        assertEquals(
                "send on closed channel",
                assertThrows(ChannelClosedException.class, () -> ch.trySend(1)).getMessage());
        assertEquals(0, ch.len(), "a refused send buffers nothing");
        assertTrue(e instanceof IllegalStateException, "unchecked, like a Go panic");
    }

    @Test
    void sendOnClosedChannelWithRoomStillThrows() {
        Chan<Integer> ch = Chan.buffered(4);
        assertTrue(ch.trySend(1));
        ch.close();
        assertThrows(ChannelClosedException.class, () -> ch.trySend(2));
        assertEquals(1, ch.len());
        assertEquals(1, ch.tryReceive());
        assertThrows(ChannelClosedException.class, ch::tryReceive);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void closeOfClosedChannelThrows(int cap) {
        Chan<String> ch = Chan.buffered(cap);
        assertFalse(ch.isClosed());
        ch.close();
        assertTrue(ch.isClosed());
        ChannelClosedException e = assertThrows(ChannelClosedException.class, ch::close);
        assertEquals("close of closed channel", e.getMessage());
        assertTrue(ch.isClosed());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void receiveOnClosedAndDrainedChannelThrows(int cap) {
        Chan<String> ch = Chan.buffered(cap);
        ch.close();
        assertEquals(
                "receive on closed channel",
                assertThrows(ChannelClosedException.class, ch::receive).getMessage());
        assertEquals(
                "receive on closed channel",
                assertThrows(ChannelClosedException.class, () -> ch.receive(SHORT))
                        .getMessage());
        assertEquals(
                "receive on closed channel",
                assertThrows(ChannelClosedException.class, () -> ch.receive(Duration.ZERO))
                        .getMessage());
        assertEquals(
                "receive on closed channel",
                assertThrows(ChannelClosedException.class, ch::tryReceive).getMessage());
        // and it stays so
        assertThrows(ChannelClosedException.class, ch::receive);
    }

    @Test
    void receiveOrNullReturnsNullOnlyWhenClosedAndDrained() throws Exception {
        Chan<String> ch = Chan.buffered(3);
        ch.send("a");
        ch.send("b");
        assertEquals("a", ch.receiveOrNull());
        ch.close();
        assertEquals("b", ch.receiveOrNull(), "a buffered value outlives close");
        assertNull(ch.receiveOrNull());
        assertNull(ch.receiveOrNull(), "closed stays closed");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void receiveOrNullBlocksOnAnOpenEmptyChannel(ThreadKind kind) throws Exception {
        Chan<String> ch = Chan.unbuffered();
        AtomicReference<String> got = new AtomicReference<>("unset");
        try (Threads threads = kind.open()) {
            Thread t = threads.start("receiveOrNull", () -> got.set(ch.receiveOrNull()));
            awaitBlocked(t);
            assertEquals("unset", got.get(), "returned before anything was sent or closed");
            ch.send("x");
            threads.joinAll();
            assertEquals("x", got.get());
        }
    }

    @Test
    void bufferedValuesDrainAfterCloseInOrder() throws Exception {
        Chan<Integer> ch = Chan.buffered(5);
        // wrap the ring: 3 in, 2 out, 4 in -> buffer holds 2,3,4,5,6 across the end of the array
        for (int i = 0; i < 3; i++) {
            ch.send(i);
        }
        assertEquals(0, ch.receive());
        assertEquals(1, ch.receive());
        for (int i = 3; i < 7; i++) {
            ch.send(i);
        }
        assertEquals(5, ch.len());
        ch.close();
        assertTrue(ch.isClosed());
        assertEquals(5, ch.len(), "close keeps the buffer");
        List<Integer> got = new ArrayList<>();
        got.add(ch.receive());
        got.add(ch.tryReceive());
        got.add(ch.receive(SHORT));
        got.add(ch.receiveOrNull());
        for (Integer v : ch) {
            got.add(v);
        }
        assertEquals(range(2, 7), got);
        assertEquals(0, ch.len());
        assertThrows(ChannelClosedException.class, ch::receive);
    }

    // ---- values and sizes ---------------------------------------------------------------------

    @Test
    void nullIsNeverAValue() {
        Chan<String> ch = Chan.buffered(2);
        assertThrows(NullPointerException.class, () -> ch.send(null));
        assertThrows(NullPointerException.class, () -> ch.send(null, SHORT));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        // a send case carrying null fails when a select runs it enabled (a disabled one may carry it)
        assertThrows(NullPointerException.class, () -> Select.select(ch.onSend(null, () -> "x")));
        assertThrows(NullPointerException.class, () -> Select.select(ch.onSend(null), Select.orDefault(() -> null)));
        assertEquals(0, ch.len(), "nothing buffered");
        Chan<String> closed = Chan.buffered(1);
        closed.close();
        assertThrows(NullPointerException.class, () -> closed.send(null), "null is checked first");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, -7, Integer.MIN_VALUE})
    void negativeCapacityIsRejectedNamingTheValue(int cap) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chan.buffered(cap));
        assertTrue(e.getMessage().contains(Integer.toString(cap)), e.getMessage());
    }

    @Test
    void lenAndCap() throws Exception {
        assertEquals(0, Chan.unbuffered().cap());
        assertEquals(0, Chan.unbuffered().len());
        assertEquals(0, Chan.buffered(0).cap());
        Chan<Integer> ch = Chan.buffered(3);
        assertEquals(3, ch.cap());
        assertEquals(0, ch.len());
        ch.send(1);
        ch.send(2);
        assertEquals(2, ch.len());
        ch.receive();
        assertEquals(1, ch.len());
        ch.close();
        assertEquals(1, ch.len());
        assertEquals(3, ch.cap());
        ch.receive();
        assertEquals(0, ch.len());
    }

    @Test
    void trySendAndTryReceiveAtTheBoundaries() {
        Chan<Integer> ch = Chan.buffered(2);
        assertNull(ch.tryReceive(), "empty");
        assertTrue(ch.trySend(1));
        assertTrue(ch.trySend(2));
        assertFalse(ch.trySend(3), "full");
        assertEquals(2, ch.len());
        assertEquals(1, ch.tryReceive());
        assertTrue(ch.trySend(3), "room again");
        assertFalse(ch.trySend(4));
        assertEquals(2, ch.tryReceive());
        assertEquals(3, ch.tryReceive());
        assertNull(ch.tryReceive(), "empty again: the refused 4 was never buffered");

        Chan<Integer> unbuf = Chan.unbuffered();
        assertFalse(unbuf.trySend(1), "no receiver waiting");
        assertNull(unbuf.tryReceive(), "no sender waiting, and the refused value is gone");

        ch.trySend(5);
        ch.close();
        assertThrows(ChannelClosedException.class, () -> ch.trySend(6));
        assertEquals(5, ch.tryReceive(), "buffered value drains after close");
        assertThrows(ChannelClosedException.class, ch::tryReceive, "closed and drained");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void trySendHandsOffToAWaitingReceiverAndTryReceiveTakesFromAWaitingSender(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Integer> got = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            Thread r = threads.start("receiver", () -> got.set(ch.receive()));
            awaitBlocked(r);
            assertTrue(ch.trySend(11), "a receiver is waiting");
            threads.join(r);
            assertEquals(11, got.get());

            Thread s = threads.start("sender", () -> ch.send(12));
            awaitBlocked(s);
            assertEquals(12, ch.tryReceive(), "a sender is waiting");
            threads.joinAll();
        }
    }

    // ---- timeouts -----------------------------------------------------------------------------

    @Test
    void timedSendThatTimesOutDeliversNothing() throws Exception {
        Chan<Integer> unbuf = Chan.unbuffered();
        long t0 = System.nanoTime();
        assertFalse(unbuf.send(1, SHORT));
        assertTrue(System.nanoTime() - t0 >= SHORT.toNanos(), "waited the whole timeout");
        assertFalse(unbuf.send(1, Duration.ZERO));
        assertFalse(unbuf.send(1, Duration.ofMillis(-5)));
        assertNull(unbuf.tryReceive(), "the timed-out value is not waiting in the channel");
        assertNull(unbuf.receive(SHORT), "nor delivered to a later receiver");

        Chan<Integer> full = Chan.buffered(2);
        full.send(10);
        full.send(11);
        assertFalse(full.send(12, SHORT));
        assertFalse(full.send(13, Duration.ZERO));
        assertEquals(2, full.len());
        full.close();
        List<Integer> drained = new ArrayList<>();
        full.forEach(drained::add);
        assertEquals(List.of(10, 11), drained, "the timed-out values were never buffered");
    }

    @Test
    void timedReceiveThatTimesOutReturnsNullAndLeavesNoWaiter() throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        long t0 = System.nanoTime();
        assertNull(ch.receive(SHORT));
        assertTrue(System.nanoTime() - t0 >= SHORT.toNanos(), "waited the whole timeout");
        assertNull(ch.receive(Duration.ZERO));
        assertFalse(ch.trySend(1), "the timed-out receiver is no longer waiting");
        Chan<Integer> buf = Chan.buffered(1);
        assertNull(buf.receive(SHORT));
        assertTrue(buf.trySend(2));
        assertEquals(1, buf.len(), "a send after the timeout went to the buffer, not to the gone receiver");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timedOperationsSucceedWhenTheCounterpartComesInTime(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Integer> got = new AtomicReference<>();
        AtomicBoolean sent = new AtomicBoolean();
        try (Threads threads = kind.open()) {
            Thread r = threads.start("timed-receiver", () -> got.set(ch.receive(HANG)));
            awaitBlocked(r);
            assertEquals(Thread.State.TIMED_WAITING, r.getState());
            ch.send(1);
            threads.join(r);
            assertEquals(1, got.get());

            Thread s = threads.start("timed-sender", () -> sent.set(ch.send(2, HANG)));
            awaitBlocked(s);
            assertEquals(2, ch.receive());
            threads.joinAll();
            assertTrue(sent.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anEnormousTimeoutWaitsLikeNoTimeout(ThreadKind kind) throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE); // nanoTime + this overflows
        Chan<Integer> ch = Chan.unbuffered();
        AtomicReference<Integer> got = new AtomicReference<>();
        AtomicBoolean sent = new AtomicBoolean();
        try (Threads threads = kind.open()) {
            Thread r = threads.start("receiver", () -> got.set(ch.receive(forever)));
            awaitBlocked(r);
            for (int i = 0; i < 100; i++) {
                Thread.yield();
            }
            assertTrue(r.isAlive(), "an enormous timeout must not expire at once");
            ch.send(1);
            threads.join(r);
            Thread s = threads.start("sender", () -> sent.set(ch.send(2, forever)));
            awaitBlocked(s);
            assertTrue(s.isAlive());
            assertEquals(2, ch.receive());
            threads.joinAll();
        }
        assertEquals(1, got.get());
        assertTrue(sent.get());
    }

    // ---- close wakes everyone -----------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesEveryBlockedReceiver(ThreadKind kind) throws Exception {
        Chan<String> ch = Chan.buffered(1);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        try (Threads threads = kind.open()) {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ts.add(threads.start("receive-" + i, () -> {
                    try {
                        outcomes.add("value " + ch.receive());
                    } catch (ChannelClosedException e) {
                        outcomes.add("receive: " + e.getMessage());
                    }
                }));
                ts.add(threads.start("timed-" + i, () -> {
                    try {
                        outcomes.add("value " + ch.receive(HANG));
                    } catch (ChannelClosedException e) {
                        outcomes.add("timed: " + e.getMessage());
                    }
                }));
                ts.add(threads.start("orNull-" + i, () -> outcomes.add("orNull: " + ch.receiveOrNull())));
                ts.add(threads.start("range-" + i, () -> {
                    int n = 0;
                    for (String v : ch) {
                        n++;
                    }
                    outcomes.add("range: " + n);
                }));
            }
            for (Thread t : ts) {
                awaitBlocked(t);
            }
            assertTrue(outcomes.isEmpty(), outcomes.toString());
            ch.close();
            threads.joinAll();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            expected.addAll(List.of(
                    "receive: receive on closed channel",
                    "timed: receive on closed channel",
                    "orNull: null",
                    "range: 0"));
        }
        assertEquals(
                expected.stream().sorted().toList(), outcomes.stream().sorted().toList());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesEveryBlockedSenderWithAnException(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.buffered(1);
        ch.send(0); // full
        List<String> outcomes = new CopyOnWriteArrayList<>();
        try (Threads threads = kind.open()) {
            List<Thread> ts = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int v = i;
                ts.add(threads.start("send-" + i, () -> {
                    try {
                        ch.send(v);
                        outcomes.add("sent " + v);
                    } catch (ChannelClosedException e) {
                        outcomes.add(e.getMessage());
                    }
                }));
                ts.add(threads.start("timed-send-" + i, () -> {
                    try {
                        outcomes.add("timed " + ch.send(v + 100, HANG));
                    } catch (ChannelClosedException e) {
                        outcomes.add(e.getMessage());
                    }
                }));
            }
            for (Thread t : ts) {
                awaitBlocked(t);
            }
            ch.close();
            threads.joinAll();
        }
        assertEquals(6, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch("send on closed channel"::equals), outcomes.toString());
        List<Integer> rest = new ArrayList<>();
        ch.forEach(rest::add);
        assertEquals(List.of(0), rest, "the buffered value drains; the failed senders delivered nothing");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void forEachRangesUntilCloseAndDrain(ThreadKind kind) throws Exception {
        for (int cap : new int[] {0, 1, 7}) {
            Chan<Integer> ch = Chan.buffered(cap);
            List<Integer> got = new ArrayList<>();
            try (Threads threads = kind.open()) {
                threads.start("ranger", () -> {
                    for (Integer v : ch) {
                        got.add(v);
                    }
                });
                threads.start("producer", () -> {
                    for (int i = 0; i < 200; i++) {
                        ch.send(i);
                    }
                    ch.close();
                });
                threads.joinAll();
            }
            assertEquals(range(0, 200), got, "cap " + cap);
            Iterator<Integer> it = ch.iterator();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    @Test
    void iteratorHasNextIsIdempotent() throws Exception {
        Chan<Integer> ch = Chan.buffered(2);
        ch.send(1);
        ch.send(2);
        ch.close();
        Iterator<Integer> it = ch.iterator();
        assertTrue(it.hasNext());
        assertTrue(it.hasNext());
        assertEquals(1, it.next());
        assertEquals(2, it.next());
        assertFalse(it.hasNext());
        assertFalse(it.hasNext());
    }

    // ---- hand-off -----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void unbufferedSendReturnsOnlyAfterAReceiverTookTheValue(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        AtomicBoolean returned = new AtomicBoolean();
        try (Threads threads = kind.open()) {
            Thread s = threads.start("sender", () -> {
                ch.send(42);
                returned.set(true);
            });
            awaitBlocked(s);
            for (int i = 0; i < 1000; i++) {
                Thread.yield();
            }
            assertFalse(returned.get(), "send returned with no receiver");
            assertEquals(0, ch.len(), "an unbuffered channel buffers nothing");
            assertEquals(42, ch.receive());
            threads.joinAll();
            assertTrue(returned.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBlockedSenderOnAFullBufferKeepsFifoOrder(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.buffered(2);
        ch.send(1);
        ch.send(2);
        AtomicBoolean returned = new AtomicBoolean();
        try (Threads threads = kind.open()) {
            Thread s = threads.start("sender", () -> {
                ch.send(3);
                returned.set(true);
            });
            awaitBlocked(s);
            assertFalse(returned.get());
            assertEquals(1, ch.receive(), "the head first, not the blocked sender's value");
            threads.join(s);
            assertTrue(returned.get(), "the sender's value moved into the buffer");
            assertEquals(2, ch.len());
            assertEquals(2, ch.receive());
            assertEquals(3, ch.receive());
            threads.joinAll();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockedSendersAreServedInArrivalOrder(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.unbuffered();
        try (Threads threads = kind.open()) {
            for (int i = 0; i < 5; i++) {
                int v = i;
                awaitBlocked(threads.start("sender-" + i, () -> ch.send(v)));
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(ch.receive());
            }
            assertEquals(range(0, 5), got);
            threads.joinAll();
        }
    }

    // ---- views --------------------------------------------------------------------------------

    private static void produce(SendChan<Integer> out, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            out.send(i);
        }
        out.close();
    }

    private static List<Integer> consume(ReceiveChan<Integer> in) {
        List<Integer> got = new ArrayList<>();
        for (Integer v : in) {
            got.add(v);
        }
        return got;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void sendAndReceiveViewsAreOneChannel(ThreadKind kind) throws Exception {
        Chan<Integer> ch = Chan.buffered(3);
        SendChan<Integer> out = ch;
        ReceiveChan<Integer> in = ch;
        assertEquals(3, out.cap());
        assertEquals(3, in.cap());
        assertTrue(out.trySend(-1));
        assertEquals(1, in.len());
        assertEquals(1, out.len());
        assertEquals(-1, in.tryReceive());
        AtomicReference<List<Integer>> got = new AtomicReference<>();
        try (Threads threads = kind.open()) {
            threads.start("consumer", () -> got.set(consume(in)));
            threads.start("producer", () -> produce(out, 50));
            threads.joinAll();
        }
        assertEquals(range(0, 50), got.get());
        assertTrue(in.isClosed());
        assertNull(in.receiveOrNull());
        assertThrows(ChannelClosedException.class, () -> out.send(1));
        assertThrows(ChannelClosedException.class, out::close);
    }

    @Test
    void viewClausesWorkInASelect() throws Exception {
        Chan<String> ch = Chan.buffered(1);
        SendChan<String> out = ch;
        ReceiveChan<String> in = ch;
        assertNull(Select.select(out.onSend("v")), "the default onSend yields null");
        assertEquals(1, ch.len());
        assertEquals("v", Select.select(in.onReceive()), "the default onReceive yields the value");
        assertSame(ch, (Object) out);
    }
}

package dev.weft.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TimerHeap}: order, removal by node, bulk removal, and no reference kept to a removed node. */
class TimerHeapTest {

    static final class T extends TimerHeap.Node {
        final int id;

        T(int id) {
            this.id = id;
        }
    }

    @Test
    void pollsInDeadlineOrderAcrossRandomAddsAndRemoves() {
        Random r = new Random(42);
        TimerHeap<T> h = new TimerHeap<>(4);
        List<T> in = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            int op = r.nextInt(10);
            if (op < 5 || in.isEmpty()) {
                T t = new T(round);
                // deadlines around a wrap-around of nanoTime: compared by difference
                boolean root = h.add(t, Long.MAX_VALUE - 500 + r.nextInt(1000));
                in.add(t);
                assertEquals(in.stream().allMatch(o -> o == t || t.when() - o.when() < 0), root);
            } else if (op < 8) {
                T t = in.remove(r.nextInt(in.size()));
                assertTrue(h.remove(t));
                assertFalse(t.inHeap());
                assertFalse(h.remove(t), "removed twice");
            } else {
                T first = h.poll();
                T expected = in.stream()
                        .min(Comparator.comparingLong(o -> o.when() - Long.MAX_VALUE))
                        .orElseThrow();
                assertEquals(expected.when(), first.when());
                assertTrue(in.remove(first));
                assertFalse(first.inHeap());
            }
            assertEquals(in.size(), h.size());
        }
        long last = Long.MIN_VALUE;
        boolean firstPoll = true;
        for (T t; (t = h.poll()) != null; ) {
            assertTrue(firstPoll || t.when() - last >= 0, "out of order");
            last = t.when();
            firstPoll = false;
        }
        assertTrue(h.isEmpty());
        assertNull(h.peek());
    }

    @Test
    void removeIfDropsTheMatchingNodesAndKeepsTheOrder() {
        TimerHeap<T> h = new TimerHeap<>(2);
        List<T> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            T t = new T(i);
            h.add(t, (i * 7919L) % 1000);
            all.add(t);
        }
        assertEquals(500, h.removeIf(t -> t.id % 2 == 0));
        assertEquals(500, h.size());
        for (T t : all) {
            assertEquals(t.id % 2 != 0, t.inHeap(), "node " + t.id);
        }
        long last = Long.MIN_VALUE;
        for (T t; (t = h.poll()) != null; ) {
            assertTrue(t.id % 2 != 0);
            assertTrue(t.when() >= last);
            last = t.when();
        }
    }

    /** A burst of timers, all removed: the heap keeps no reference to them, and its array shrinks back. */
    @Test
    void aRemovedNodeIsNotReachableFromTheHeap() throws Exception {
        TimerHeap<T> h = new TimerHeap<>(64);
        List<java.lang.ref.WeakReference<T>> refs = new ArrayList<>();
        List<T> burst = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            T t = new T(i);
            h.add(t, i);
            burst.add(t);
            refs.add(new java.lang.ref.WeakReference<>(t));
        }
        T kept = new T(-1);
        h.add(kept, -1);
        for (T t : burst) {
            assertTrue(h.remove(t));
        }
        burst = null;
        assertEquals(1, h.size());
        var arrayField = TimerHeap.class.getDeclaredField("heap");
        arrayField.setAccessible(true);
        assertEquals(64, ((Object[]) arrayField.get(h)).length, "the array shrank back");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (refs.stream().anyMatch(w -> w.get() != null)) {
            assertTrue(System.nanoTime() < deadline, "a removed node stayed reachable");
            System.gc();
            Thread.onSpinWait();
        }
        assertSame(kept, h.peek());
    }

    @Test
    void badCapacityIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimerHeap<T>(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void theIdleBlockerCarriesTheTimerReason() {
        assertSame(WaitReason.TIMER_GOROUTINE_IDLE, TimerHeap.IDLE_BLOCKER.waitReason());
        assertTrue(WaitReason.TIMER_GOROUTINE_IDLE.isRuntimeIdle());
        assertFalse(WaitReason.CHAN_RECEIVE.isRuntimeIdle());
        assertEquals("sync.WaitGroup.Wait", WaitReason.SYNC_WAIT_GROUP_WAIT.toString());
        assertEquals("select (no cases)", WaitReason.SELECT_NO_CASES.toString());
    }
}

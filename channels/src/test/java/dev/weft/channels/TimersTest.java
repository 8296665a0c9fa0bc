package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.internal.Deadlocks;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timers, tickers and afterFunc with Go 1.23 semantics. Time-based checks assert lower bounds
 * only; upper bounds are generous timeouts. Waiting is done on channels and latches, never by
 * sleeping.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimersTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final Duration HOUR = Duration.ofHours(1);

    /** The value a timer channel holds (0 or 1): its {@code len()} is always 0, as in Go 1.23. */
    private static int held(ReceiveChan<Instant> c) {
        return ((Chan<Instant>) c).heldForTest();
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Waits until every timer due up to {@code d} from now has fired: the one timer thread fires
     * in deadline order and delivers under the entry's lock, so once a later timer's value
     * arrives, earlier ones have been delivered.
     */
    private static void waitPast(Duration d) throws InterruptedException {
        assertNotNull(Timers.after(d).receive(LONG));
    }

    @Test
    void afterDoesNotFireEarly() throws InterruptedException {
        long start = System.nanoTime();
        Instant before = Instant.now();
        Instant fired = Timers.after(Duration.ofMillis(50)).receive(LONG);
        assertNotNull(fired, "after(50ms) never fired");
        assertTrue(elapsedMillis(start) >= 50, "fired after " + elapsedMillis(start) + " ms");
        assertFalse(fired.isBefore(before));
    }

    @Test
    void afterWithNonPositiveDurationIsReadyAtOnce() {
        assertNotNull(Timers.after(Duration.ZERO).tryReceive());
        assertNotNull(Timers.after(Duration.ofMillis(-5)).tryReceive());
        Timer t = Timers.newTimer(Duration.ZERO);
        assertEquals(1, held(t.c()));
        assertFalse(t.pendingForTest(), "a timer due now takes no heap entry");
    }

    @Test
    void afterInSelectLosesToAReadyCase() throws InterruptedException {
        Chan<String> ready = Chan.buffered(1);
        for (int i = 0; i < 100; i++) {
            ready.send("v" + i);
            String r = Select.select(
                    ready.onReceive(v -> "ready " + v), Timers.after(HOUR).onReceive(t -> "timeout"));
            assertEquals("ready v" + i, r);
        }
    }

    @Test
    void afterInSelectWinsWhenNothingElseIsReady() throws InterruptedException {
        Chan<String> never = Chan.unbuffered();
        long start = System.nanoTime();
        String r = Select.select(
                never.onReceive(v -> "value"),
                Timers.after(Duration.ofMillis(30)).onReceive(t -> "timeout"));
        assertEquals("timeout", r);
        assertTrue(elapsedMillis(start) >= 30);
    }

    @Test
    void stopBeforeFireReturnsTrueAndNothingIsEverReceived() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ofMillis(50));
        assertTrue(t.pendingForTest());
        assertTrue(t.stop());
        assertFalse(t.pendingForTest(), "a stopped timer leaves the heap");
        assertFalse(t.stop(), "second stop");
        assertNull(t.c().receive(Duration.ofMillis(200)));
    }

    @Test
    void stopAfterFireBeforeReceiveDrainsAndReturnsTrue() throws InterruptedException {
        // Go 1.23: a fired but unreceived timer is still "running"; Stop returns true and no
        // stale value is received afterwards.
        Timer t = Timers.newTimer(Duration.ofMillis(10));
        waitPast(Duration.ofMillis(40));
        assertEquals(1, held(t.c()), "the timer fired");
        assertFalse(t.pendingForTest(), "a fired timer leaves the heap");
        assertTrue(t.stop());
        assertEquals(0, held(t.c()));
        assertNull(t.c().receive(Duration.ofMillis(100)));
        assertFalse(t.stop());
    }

    @Test
    void stopAfterReceiveReturnsFalse() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ofMillis(10));
        assertNotNull(t.c().receive(LONG));
        assertFalse(t.stop());
    }

    @Test
    void resetActiveTimerReturnsTrueAndFiresLater() throws InterruptedException {
        Timer t = Timers.newTimer(HOUR);
        long start = System.nanoTime();
        assertTrue(t.reset(Duration.ofMillis(50)));
        assertNotNull(t.c().receive(LONG));
        assertTrue(elapsedMillis(start) >= 50);
        assertFalse(t.pendingForTest());
    }

    @Test
    void resetAfterFireBeforeReceiveDiscardsTheStaleValue() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ofMillis(10));
        waitPast(Duration.ofMillis(40));
        assertEquals(1, held(t.c()));
        Instant beforeReset = Instant.now();
        long start = System.nanoTime();
        assertTrue(t.reset(Duration.ofMillis(60)), "Go 1.23: an unreceived timer was still active");
        Instant v = t.c().receive(LONG);
        assertNotNull(v);
        assertTrue(elapsedMillis(start) >= 60, "got the stale value after " + elapsedMillis(start) + " ms");
        assertFalse(v.isBefore(beforeReset));
    }

    @Test
    void resetAfterReceiveOrStopReturnsFalseAndFiresAgain() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ofMillis(5));
        assertNotNull(t.c().receive(LONG));
        assertFalse(t.reset(Duration.ofMillis(20)));
        assertNotNull(t.c().receive(LONG));

        Timer s = Timers.newTimer(HOUR);
        assertTrue(s.stop());
        assertFalse(s.reset(Duration.ofMillis(20)));
        assertNotNull(s.c().receive(LONG));
        assertFalse(s.reset(Duration.ZERO), "reset(0) fires at once");
        assertNotNull(s.c().tryReceive());
    }

    @Test
    void stopRacingWithFireNeverLeavesAStaleValue() throws InterruptedException {
        // Nobody receives, so by Go 1.23's rules every stop must return true (pending or drained)
        // and the channel must be empty afterwards, whatever the interleaving with the fire.
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < 5_000; i++) {
            Timer t = Timers.newTimer(Duration.ofNanos(rnd.nextLong(0, 300_000)));
            for (int spin = rnd.nextInt(2_000); spin > 0; spin--) {
                Thread.onSpinWait();
            }
            if (rnd.nextBoolean()) {
                assertTrue(t.stop(), "stop of an unreceived timer");
            } else {
                assertTrue(t.reset(HOUR), "reset of an unreceived timer");
                assertTrue(t.stop());
            }
            assertNull(t.c().tryReceive(), "stale value after stop");
        }
    }

    @Test
    void tickerTicksUntilStopped() throws InterruptedException {
        long start = System.nanoTime();
        Ticker ticker = Timers.newTicker(Duration.ofMillis(20));
        for (int i = 1; i <= 5; i++) {
            assertNotNull(ticker.c().receive(LONG), "tick " + i);
            assertTrue(elapsedMillis(start) >= 20L * i, "tick " + i + " after " + elapsedMillis(start) + " ms");
        }
        ticker.stop();
        assertFalse(ticker.pendingForTest());
        assertNull(ticker.c().receive(Duration.ofMillis(200)), "tick after stop");
    }

    @Test
    void slowReceiverSeesAtMostOnePendingTick() throws InterruptedException {
        long start = System.nanoTime();
        Ticker ticker = Timers.newTicker(Duration.ofMillis(200));
        try {
            waitPast(Duration.ofMillis(500)); // ticks at 200 and 400 ms: the second is dropped
            assertEquals(1, held(ticker.c()));
            assertNotNull(ticker.c().tryReceive());
            assertNull(ticker.c().tryReceive(), "a burst of missed ticks");
            assertNotNull(ticker.c().receive(LONG));
            assertTrue(elapsedMillis(start) >= 600, "ticks stay on their phase: next one at 600 ms");
        } finally {
            ticker.stop();
        }
    }

    @Test
    void tickerResetDrainsAndChangesThePeriod() throws InterruptedException {
        Ticker ticker = Timers.newTicker(Duration.ofMillis(5));
        try {
            waitPast(Duration.ofMillis(30));
            assertEquals(1, held(ticker.c()));
            long start = System.nanoTime();
            ticker.reset(Duration.ofMillis(80));
            assertEquals(0, held(ticker.c()), "reset drains the pending tick");
            assertNotNull(ticker.c().receive(LONG));
            assertTrue(elapsedMillis(start) >= 80);
            ticker.stop();
            ticker.reset(Duration.ofMillis(10)); // restarts a stopped ticker
            assertNotNull(ticker.c().receive(LONG));
        } finally {
            ticker.stop();
        }
    }

    @Test
    void nonPositiveTickerPeriodIsRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Timers.newTicker(Duration.ZERO));
        assertTrue(e.getMessage().contains("non-positive interval"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timers.newTicker(Duration.ofMillis(-1)));
        Ticker t = Timers.newTicker(HOUR);
        try {
            assertThrows(IllegalArgumentException.class, () -> t.reset(Duration.ZERO));
        } finally {
            t.stop();
        }
    }

    @Test
    void manyPendingTimersCostNoThreads() {
        int before = Timers.pendingForTest();
        List<Timer> timers = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            timers.add(Timers.newTimer(HOUR.plusMillis(i)));
        }
        assertTrue(Timers.pendingForTest() >= 100_000);
        long timerThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("weft-timers"))
                .count();
        assertEquals(1, timerThreads);
        assertTrue(Timers.threadForTest().isDaemon());
        assertFalse(Timers.threadForTest().isVirtual());
        for (Timer t : timers) {
            assertTrue(t.stop());
        }
        assertTrue(Timers.pendingForTest() <= before, "stopped timers leave the heap");
    }

    @Test
    void heapFiresInDeadlineOrderUnderRandomRemovals() throws InterruptedException {
        // 200 timers at distinct shuffled deadlines, every other one stopped: the rest fire in
        // deadline order (functions run on the timer thread itself, so the order is observable).
        List<Integer> ms = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ms.add(20 + i);
        }
        java.util.Collections.shuffle(ms);
        Chan<Integer> order = Chan.buffered(200);
        List<Timer> timers = new ArrayList<>();
        List<long[]> kept = new ArrayList<>(); // {deadline, id}
        for (int i = 0; i < 200; i++) {
            int id = ms.get(i);
            Timer t = Timers.afterFuncOnTimerThread(Duration.ofMillis(id), () -> order.trySend(id));
            timers.add(t);
            if (i % 2 == 0) {
                kept.add(new long[] {t.entry.when(), id}); // written by this thread when scheduled
            }
        }
        for (int i = 1; i < 200; i += 2) {
            assertTrue(timers.get(i).stop());
        }
        kept.sort((x, y) -> Long.compare(x[0] - y[0], 0));
        List<Integer> expected = kept.stream().map(x -> (int) x[1]).toList();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            got.add(order.receive(LONG));
        }
        assertEquals(expected, got);
        assertNull(order.receive(Duration.ofMillis(50)), "a stopped timer fired");
    }

    @Test
    void afterFuncRunsOnAVirtualThread() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean virtual = new AtomicBoolean();
        long start = System.nanoTime();
        Timer t = Timers.afterFunc(Duration.ofMillis(20), () -> {
            virtual.set(Thread.currentThread().isVirtual());
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(elapsedMillis(start) >= 20);
        assertTrue(virtual.get());
        assertFalse(t.stop(), "already started");
        assertThrows(IllegalStateException.class, t::c);
    }

    @Test
    void afterFuncStoppedInTimeNeverRuns() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Timer t = Timers.afterFunc(Duration.ofMillis(30), runs::incrementAndGet);
        assertTrue(t.stop());
        waitPast(Duration.ofMillis(100));
        assertEquals(0, runs.get());
        CountDownLatch again = new CountDownLatch(1);
        Timer u = Timers.afterFunc(HOUR, again::countDown);
        assertTrue(u.reset(Duration.ofMillis(10)), "reset reschedules a pending func");
        assertTrue(again.await(10, TimeUnit.SECONDS));
    }

    @Test
    void unreferencedAfterChannelsLeaveTheHeap() throws InterruptedException {
        // Go 1.23: a select loop with a long after() that never fires must not keep an entry
        // per iteration. Only meaningful when entries hold channels weakly (the JDK default).
        if (!Timers.WEAK_CHANNELS) {
            return;
        }
        Chan<Integer> ready = Chan.buffered(1);
        int before = Timers.pendingForTest();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            ready.send(i);
            Select.select(ready.onReceive(v -> v), Timers.after(HOUR).onReceive(t -> -1));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int pending;
        do {
            System.gc(); // the reaper removes cleared entries: no other timer is scheduled
            Thread.onSpinWait();
            pending = Timers.pendingForTest() - before;
        } while (pending > n / 10 && System.nanoTime() < deadline);
        assertTrue(pending <= n / 10, pending + " of " + n + " unreferenced after() entries still pending");
    }

    @Test
    void aVirtualThreadBlockedOnAnUnreferencedAfterIsStillWoken() throws InterruptedException {
        // Only the blocked thread's stack references the channel, and nobody references the
        // thread: the channel must survive GC (the JDK tracks started virtual threads, or weft
        // holds channels strongly), so the thread wakes.
        CountDownLatch woke = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                if (Timers.after(Duration.ofMillis(150)).receive() != null) {
                    woke.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 3; i++) {
            System.gc();
            Timers.newTimer(HOUR).stop(); // expunge whatever the GC cleared
        }
        assertTrue(woke.await(10, TimeUnit.SECONDS), "the blocked thread's timer was collected");
    }

    @Test
    void aReferencedPendingTimerIsNotCollected() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ofMillis(100));
        ReceiveChan<Instant> c = t.c();
        t = null;
        System.gc();
        Timers.newTimer(HOUR).stop();
        assertNotNull(c.receive(LONG), "the channel is referenced, so the timer still fires");
    }

    @Test
    void timerChannelsReportLenAndCapZeroAsInGo123() throws InterruptedException {
        Timer t = Timers.newTimer(Duration.ZERO);
        assertEquals(1, held(t.c()), "fired, not received");
        assertEquals(0, t.c().len(), "Go 1.23: len of a timer channel is 0");
        assertEquals(0, t.c().cap(), "Go 1.23: cap of a timer channel is 0");
        ReceiveChan<Instant> a = Timers.after(Duration.ZERO);
        assertEquals(0, a.len());
        assertEquals(0, a.cap());
        Ticker k = Timers.newTicker(HOUR);
        try {
            assertEquals(0, k.c().cap());
        } finally {
            k.stop();
        }
        assertNotNull(a.tryReceive(), "the value is still there to receive");
    }

    @Test
    void tickTicksRepeatedly() throws InterruptedException {
        ReceiveChan<Instant> c = Timers.tick(Duration.ofMillis(5));
        Instant first = c.receive(LONG);
        Instant second = c.receive(LONG);
        assertNotNull(first);
        assertNotNull(second);
        assertTrue(second.isAfter(first), first + " then " + second);
        assertEquals(0, c.cap());
    }

    @Test
    void tickWithNonPositivePeriodIsANilChannel() throws InterruptedException {
        int before = Timers.pendingForTest();
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
            ReceiveChan<Instant> c = Timers.tick(d);
            assertNotNull(c, "a channel that never receives, not null");
            assertNull(c.tryReceive());
            assertNull(c.receive(Duration.ofMillis(20)), "Go's nil channel never receives");
            assertEquals(0, c.cap());
        }
        assertTrue(Timers.pendingForTest() <= before, "a nil tick took a heap entry");
        assertThrows(NullPointerException.class, () -> Timers.tick(null));
    }

    @Test
    void anUnreferencedTickIsCollectedAndLeavesTheHeap() throws InterruptedException {
        if (!Timers.WEAK_CHANNELS) {
            return;
        }
        ReceiveChan<Instant> c = Timers.tick(HOUR);
        WeakReference<ReceiveChan<Instant>> ref = new WeakReference<>(c);
        int withIt = Timers.pendingForTest();
        c = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((ref.get() != null || Timers.pendingForTest() >= withIt) && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertNull(ref.get(), "the tick channel is still reachable");
        assertTrue(Timers.pendingForTest() < withIt, "its entry stayed in the heap");
    }

    @Test
    void afterFuncRunsOnTheCallersGoScheduler() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean onIt = new AtomicBoolean();
            Chan<Timer> made = Chan.buffered(1);
            s.go(() -> made.trySend(Timers.afterFunc(Duration.ofMillis(10), () -> {
                        onIt.set(GoScheduler.current().orElse(null) == s);
                        started.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    })))
                    .join();
            assertNotNull(made.receive(LONG));
            assertTrue(started.await(10, TimeUnit.SECONDS), "f never ran");
            assertTrue(onIt.get(), "f did not run on the scheduler of the thread that called afterFunc");
            assertTrue(s.numGoroutine() >= 1, "f counts as a goroutine of its scheduler");
            release.countDown();
        }
    }

    @Test
    void afterFuncFromAPlatformThreadRunsOnAJdkVirtualThread() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean ok = new AtomicBoolean();
        Timers.afterFunc(Duration.ofMillis(5), () -> {
            ok.set(Thread.currentThread().isVirtual() && GoScheduler.current().isEmpty());
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(ok.get(), "not a virtual thread of the JDK's default scheduler");
    }

    @Test
    void pendingChannelTimersAreVisibleToTheDeadlockDetector() {
        int before = Deadlocks.pendingTimers();
        Timer t = Timers.afterFunc(HOUR, () -> {});
        Timer u = Timers.newTimer(HOUR);
        assertTrue(Deadlocks.pendingTimers() >= before + 2, "pending timers not reported");
        t.stop();
        u.stop();
        assertTrue(Deadlocks.pendingTimers() <= before, "stopped timers still reported");
    }
}

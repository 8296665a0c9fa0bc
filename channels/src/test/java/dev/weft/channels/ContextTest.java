package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's context semantics: cancellation trees, errors, deadlines, values, and no leaks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final Duration HOUR = Duration.ofHours(1);

    /** Whether {@code ctx.done()} is closed and empty: a receive returns null (closed) at once. */
    private static boolean doneClosed(Context ctx) throws InterruptedException {
        return ctx.done().isClosed() && ctx.done().receiveOrNull() == null;
    }

    private static void awaitDone(Context ctx) throws InterruptedException {
        String r = Select.select(
                ctx.done().onReceiveOk((v, ok) -> ok ? "value?" : "done"),
                Timers.after(LONG).onReceive(t -> "timeout"));
        assertEquals("done", r);
    }

    @Test
    void backgroundIsNeverDone() {
        Context bg = Context.background();
        assertSame(bg, Context.background());
        assertNull(bg.err());
        assertFalse(bg.isDone());
        assertEquals(Optional.empty(), bg.deadline());
        assertNull(bg.value("k"));
        assertFalse(bg.done().isClosed());
        assertNull(bg.done().tryReceive());
        assertEquals("not done", assertDoesNotBlock(bg));
    }

    private static String assertDoesNotBlock(Context ctx) {
        try {
            return Select.select(ctx.done().onReceiveOk((v, ok) -> "done"), Select.orDefault(() -> "not done"));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void errorsAreTheGoMessagesAndShared() {
        assertEquals("context canceled", Context.CANCELED.getMessage());
        assertEquals("context deadline exceeded", Context.DEADLINE_EXCEEDED.getMessage());
        assertFalse(Context.CANCELED.isTimeout());
        assertTrue(Context.DEADLINE_EXCEEDED.isTimeout());
        assertEquals(0, Context.CANCELED.getStackTrace().length);
        Context.CANCELED.addSuppressed(new RuntimeException("ignored"));
        assertEquals(0, Context.CANCELED.getSuppressed().length);
    }

    @Test
    void cancelClosesDoneAndSetsCanceled() throws InterruptedException {
        CancelContext ctx = Context.withCancel(Context.background());
        assertNull(ctx.err());
        assertEquals("not done", assertDoesNotBlock(ctx));
        CountDownLatch waiting = new CountDownLatch(1);
        Chan<String> result = Chan.buffered(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                waiting.countDown();
                String r = Select.select(
                        Chan.<String>unbuffered().onReceive(v -> "value"),
                        ctx.done().onReceiveOk((v, ok) -> "cancelled " + ok));
                result.send(r + " " + ctx.err().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        ctx.cancel();
        assertEquals("cancelled false context canceled", result.receive(LONG));
        assertTrue(waiter.join(LONG));
        assertSame(Context.CANCELED, ctx.err());
        assertTrue(ctx.isDone());
        assertTrue(doneClosed(ctx));
        ctx.cancel(); // idempotent
        ctx.close();
        assertSame(Context.CANCELED, ctx.err());
        assertNull(ctx.done().receiveOrNull());
    }

    @Test
    void cancelPropagatesToGrandchildrenButNotUp() throws InterruptedException {
        CancelContext root = Context.withCancel(Context.background());
        CancelContext child = Context.withCancel(root);
        Context valued = Context.withValue(child, "k", "v");
        CancelContext grandchild = Context.withCancel(valued);
        CancelContext greatGrandchild = Context.withTimeout(grandchild, HOUR);
        CancelContext sibling = Context.withCancel(root);

        CancelContext leaf = Context.withCancel(greatGrandchild);
        leaf.cancel();
        assertNull(greatGrandchild.err(), "cancelling a child doesn't touch its parent");

        child.cancel();
        for (Context c : List.of(child, valued, grandchild, greatGrandchild)) {
            awaitDone(c);
            assertSame(Context.CANCELED, c.err(), c.toString());
        }
        assertNull(root.err());
        assertNull(sibling.err());
        assertFalse(root.done().isClosed());
        assertNull(greatGrandchild.timerForTest(), "a cancelled descendant's timer is freed");
        root.cancel();
        assertSame(Context.CANCELED, sibling.err());
    }

    @Test
    void childOfDoneParentStartsDoneWithTheParentsError() throws InterruptedException {
        CancelContext cancelled = Context.withCancel(Context.background());
        cancelled.cancel();
        CancelContext c = Context.withCancel(Context.withValue(cancelled, "k", 1));
        assertTrue(doneClosed(c));
        assertSame(Context.CANCELED, c.err());
        assertEquals(0, cancelled.childCountForTest());

        CancelContext expired = Context.withTimeout(Context.background(), Duration.ofMillis(1));
        awaitDone(expired);
        CancelContext d = Context.withCancel(expired);
        assertSame(Context.DEADLINE_EXCEEDED, d.err());
        CancelContext t = Context.withTimeout(cancelled, HOUR);
        assertSame(Context.CANCELED, t.err());
        assertNull(t.timerForTest(), "no timer for a context born done");
    }

    @Test
    void valuesAreLookedUpThroughParents() {
        Object k1 = new Object();
        Object k2 = new Object();
        Context a = Context.withValue(Context.background(), k1, "one");
        CancelContext b = Context.withCancel(a);
        Context c = Context.withValue(b, k2, "two");
        Context d = Context.withValue(c, k1, "shadowed");
        Context e = Context.withValue(d, "nullable", null);
        assertEquals("one", b.value(k1));
        assertEquals("two", c.value(k2));
        assertEquals("one", c.value(k1));
        assertEquals("shadowed", e.value(k1));
        assertEquals("two", e.value(k2));
        assertNull(e.value("nullable"));
        assertNull(e.value("missing"));
        assertNull(a.value(k2));
        assertThrows(NullPointerException.class, () -> Context.withValue(a, null, "x"));
        assertThrows(NullPointerException.class, () -> a.value(null));
        b.cancel();
        assertSame(Context.CANCELED, e.err(), "a value context shares its parent's cancellation");
        assertSame(b.done(), e.done());
    }

    @Test
    void deadlineIsTheEarlierOfOwnAndParents() {
        Instant soon = Instant.now().plusSeconds(60);
        CancelContext parent = Context.withDeadline(Context.background(), soon);
        assertEquals(Optional.of(soon), parent.deadline());

        CancelContext later = Context.withDeadline(parent, soon.plusSeconds(60));
        assertEquals(Optional.of(soon), later.deadline(), "parent's deadline is earlier");
        assertNull(later.timerForTest(), "no timer of its own: the parent's fires first");

        CancelContext laterTimeout = Context.withTimeout(Context.withValue(parent, "k", "v"), HOUR);
        assertEquals(Optional.of(soon), laterTimeout.deadline());

        Instant sooner = soon.minusSeconds(30);
        CancelContext earlier = Context.withDeadline(parent, sooner);
        assertEquals(Optional.of(sooner), earlier.deadline());
        assertNotNull(earlier.timerForTest());

        CancelContext inherits = Context.withCancel(earlier);
        assertEquals(Optional.of(sooner), inherits.deadline());
        assertEquals(Optional.of(sooner), Context.withValue(inherits, "k", 1).deadline());
        assertEquals(Optional.empty(), Context.withCancel(Context.background()).deadline());
        parent.cancel();
        assertNull(earlier.timerForTest());
    }

    @Test
    void withTimeoutFiresDeadlineExceeded() throws InterruptedException {
        long start = System.nanoTime();
        CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofMillis(50));
        CancelContext child = Context.withCancel(ctx);
        Context valued = Context.withValue(child, "k", "v");
        assertTrue(ctx.deadline().isPresent());
        awaitDone(ctx);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 50,
                "deadline fired early");
        assertSame(Context.DEADLINE_EXCEEDED, ctx.err());
        awaitDone(valued);
        assertSame(Context.DEADLINE_EXCEEDED, child.err());
        assertSame(Context.DEADLINE_EXCEEDED, valued.err());
        ctx.cancel();
        assertSame(Context.DEADLINE_EXCEEDED, ctx.err(), "a later cancel doesn't change the error");
        assertNull(ctx.timerForTest());
    }

    @Test
    void deadlineInThePastIsDoneAtOnce() throws InterruptedException {
        CancelContext parent = Context.withCancel(Context.background());
        CancelContext past = Context.withDeadline(parent, Instant.now().minusSeconds(1));
        assertSame(Context.DEADLINE_EXCEEDED, past.err());
        assertTrue(doneClosed(past));
        assertNull(past.timerForTest());
        CancelContext zero = Context.withTimeout(parent, Duration.ZERO);
        assertSame(Context.DEADLINE_EXCEEDED, zero.err());
        assertEquals(0, parent.childCountForTest(), "born-expired children unregister");
        assertNull(parent.err());
    }

    @Test
    void tryWithResourcesCancels() {
        CancelContext escaped;
        try (CancelContext ctx = Context.withTimeout(Context.background(), HOUR)) {
            escaped = ctx;
            assertNull(ctx.err());
            assertTrue(ctx.timerForTest().pendingForTest());
        }
        assertSame(Context.CANCELED, escaped.err());
        assertNull(escaped.timerForTest());
    }

    @Test
    void cancelFreesTheTimers() {
        int before = Timers.pendingForTest();
        CancelContext parent = Context.withCancel(Context.background());
        List<CancelContext> direct = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            CancelContext c = Context.withTimeout(parent, HOUR.plusMillis(i));
            direct.add(c);
            timers.add(c.timerForTest());
        }
        for (int i = 0; i < 10_000; i++) {
            timers.add(Context.withTimeout(direct.get(i), HOUR.plusMillis(i).minusSeconds(1)).timerForTest());
        }
        assertTrue(Timers.pendingForTest() >= before + 20_000);
        for (int i = 0; i < 5_000; i++) {
            direct.get(i).cancel(); // the child and its own child
        }
        parent.cancel(); // the rest, through propagation
        for (Timer t : timers) {
            assertFalse(t.pendingForTest());
        }
        assertTrue(Timers.pendingForTest() <= before, "cancelled contexts left timers in the heap");
    }

    @Test
    void childrenUnregisterFromALongLivedParent() throws InterruptedException {
        CancelContext parent = Context.withCancel(Context.background());
        Context valued = Context.withValue(parent, "k", "v");
        for (int i = 0; i < 10_000; i++) {
            try (CancelContext c = Context.withCancel(i % 2 == 0 ? parent : valued)) {
                assertEquals(1, parent.childCountForTest());
                Context.withCancel(c); // a grandchild registers with c, not with parent
                assertEquals(1, parent.childCountForTest());
            }
        }
        assertEquals(0, parent.childCountForTest());

        List<CancelContext> expiring = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expiring.add(Context.withTimeout(valued, Duration.ofMillis(5)));
        }
        for (CancelContext c : expiring) {
            awaitDone(c);
        }
        // the timer thread unregisters right after closing done; wait for that without sleeping
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (parent.childCountForTest() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, parent.childCountForTest(), "expired children stay registered");
        assertNull(parent.err());
    }

    @Test
    void cancelRacingWithNewChildrenMissesNone() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            CancelContext parent = Context.withCancel(Context.background());
            int threads = 4;
            List<List<CancelContext>> made = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<CancelContext> mine = new ArrayList<>();
                made.add(mine);
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 500; i++) {
                        mine.add(Context.withCancel(i % 2 == 0 ? parent : Context.withValue(parent, "k", i)));
                    }
                }));
            }
            go.countDown();
            parent.cancel();
            for (Thread w : workers) {
                assertTrue(w.join(LONG));
            }
            for (List<CancelContext> mine : made) {
                for (CancelContext c : mine) {
                    assertSame(Context.CANCELED, c.err());
                    assertTrue(c.done().isClosed());
                }
            }
            assertEquals(0, parent.childCountForTest());
        }
    }

    @Test
    void deepChainCancelsWithoutStackOverflow() {
        CancelContext root = Context.withCancel(Context.background());
        Context c = root;
        for (int i = 0; i < 50_000; i++) {
            c = i % 3 == 0 ? Context.withValue(c, i, i) : Context.withCancel(c);
        }
        assertEquals(0, c.value(0));
        root.cancel();
        assertSame(Context.CANCELED, c.err());
    }
}

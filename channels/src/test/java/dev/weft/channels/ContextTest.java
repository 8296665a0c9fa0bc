package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 50, "deadline fired early");
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
            timers.add(Context.withTimeout(direct.get(i), HOUR.plusMillis(i).minusSeconds(1))
                    .timerForTest());
        }
        for (Timer t : timers) { // each its own: timers of earlier tests may leave the shared heap meanwhile
            assertTrue(t.pendingForTest());
        }
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

    // ---- Go 1.20/1.21 additions: todo, cause, withoutCancel, afterFunc ---------------------

    @Test
    void todoIsABackgroundOfItsOwn() {
        Context todo = Context.todo();
        assertSame(todo, Context.todo());
        assertNotSame(Context.background(), todo);
        assertEquals("context.TODO", todo.toString());
        assertNull(todo.err());
        assertNull(Context.cause(todo));
        assertEquals(Optional.empty(), todo.deadline());
        assertNull(todo.value("k"));
        assertEquals("not done", assertDoesNotBlock(todo));
        CancelContext c = Context.withCancel(todo);
        c.cancel();
        assertSame(Context.CANCELED, c.err());
        assertNull(todo.err());
    }

    @Test
    void causeIsTheFirstCancelsAndReachesDescendants() throws InterruptedException {
        CancelCauseContext root = Context.withCancelCause(Context.background());
        CancelContext child = Context.withCancel(Context.withValue(root, "k", "v"));
        CancelCauseContext grandchild = Context.withCancelCause(child);
        Context valued = Context.withValue(grandchild, "k2", "v2");
        CancelContext selfCancelled = Context.withCancel(root);
        selfCancelled.cancel();
        for (Context c : List.of(root, child, grandchild, valued)) {
            assertNull(Context.cause(c), "not done: no cause");
        }
        IOException why = new IOException("peer reset");
        CancelCauseFunc cancel = root; // the context is its own CancelCauseFunc
        cancel.cancel(why);
        root.cancel(new IOException("second")); // the first cancel wins
        root.cancel(); // and a plain one changes nothing either
        for (Context c : List.of(root, child, grandchild, valued)) {
            awaitDone(c);
            assertSame(Context.CANCELED, c.err(), c.toString());
            assertSame(why, Context.cause(c), "a context cancelled by its parent has the parent's cause: " + c);
        }
        assertSame(Context.CANCELED, Context.cause(selfCancelled), "cancelled before, by itself: its own cause");
        assertEquals(0, root.childCountForTest());

        // born of a done parent: the parent's error and cause
        CancelContext late = Context.withCancel(Context.withValue(root, "k", 1));
        assertSame(Context.CANCELED, late.err());
        assertSame(why, Context.cause(late));
        StopFunc stopLate = Context.afterFunc(late, () -> {});
        assertFalse(stopLate.stop(), "afterFunc on a done context has started already");
    }

    @Test
    void cancelWithoutCauseHasTheErrorAsCause() {
        CancelCauseContext a = Context.withCancelCause(Context.background());
        a.cancel(null); // Go's cancel(nil)
        assertSame(Context.CANCELED, a.err());
        assertSame(Context.CANCELED, Context.cause(a));
        CancelCauseContext b;
        try (CancelCauseContext ctx = Context.withCancelCause(Context.background())) {
            b = ctx;
        }
        assertSame(Context.CANCELED, Context.cause(b), "close() is defer cancel(nil)");
        CancelContext plain = Context.withCancel(Context.background());
        plain.cancel();
        assertSame(Context.CANCELED, Context.cause(plain));
        assertNull(Context.cause(Context.background()));
        assertEquals("CancelCauseContext[context canceled]", b.toString());
        assertThrows(NullPointerException.class, () -> Context.withCancelCause(null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> Context.cause(null));
        assertEquals("ctx", e.getMessage());
    }

    @Test
    void deadlineCauseIsReportedWhenTheDeadlinePasses() throws InterruptedException {
        TimeoutException slow = new TimeoutException("backend took over 20 ms");
        CancelContext ctx = Context.withTimeoutCause(Context.background(), Duration.ofMillis(20), slow);
        CancelContext child = Context.withCancel(ctx);
        assertNull(Context.cause(ctx));
        awaitDone(child);
        assertSame(Context.DEADLINE_EXCEEDED, ctx.err());
        assertSame(slow, Context.cause(ctx));
        assertSame(slow, Context.cause(child));
        ctx.cancel();
        assertSame(slow, Context.cause(ctx), "a later cancel changes nothing");

        // a null cause is DEADLINE_EXCEEDED, a deadline already past gives the cause at once
        CancelContext noCause =
                Context.withDeadlineCause(Context.background(), Instant.now().minusSeconds(1), null);
        assertSame(Context.DEADLINE_EXCEEDED, Context.cause(noCause));
        IllegalStateException closed = new IllegalStateException("window closed");
        CancelContext past =
                Context.withDeadlineCause(Context.background(), Instant.now().minusSeconds(1), closed);
        assertSame(Context.DEADLINE_EXCEEDED, past.err());
        assertSame(closed, Context.cause(past));
        CancelContext zero = Context.withTimeoutCause(Context.background(), Duration.ZERO, closed);
        assertSame(closed, Context.cause(zero));

        // cancelled before the deadline: cause CANCELED, timer freed
        CancelContext early = Context.withTimeoutCause(Context.background(), HOUR, slow);
        Timer t = early.timerForTest();
        assertTrue(t.pendingForTest());
        early.cancel();
        assertSame(Context.CANCELED, Context.cause(early));
        assertFalse(t.pendingForTest());
        assertNull(early.timerForTest());

        // the parent's deadline comes first: Go's WithCancel(parent), the cause is not used
        CancelContext parent = Context.withTimeout(Context.background(), Duration.ofMillis(20));
        CancelContext later = Context.withDeadlineCause(parent, Instant.now().plusSeconds(3600), closed);
        assertNull(later.timerForTest());
        awaitDone(later);
        assertSame(Context.DEADLINE_EXCEEDED, Context.cause(later));
        assertThrows(NullPointerException.class, () -> Context.withTimeoutCause(null, HOUR, slow));
        assertThrows(NullPointerException.class, () -> Context.withTimeoutCause(Context.background(), null, slow));
        assertThrows(NullPointerException.class, () -> Context.withDeadlineCause(Context.background(), null, slow));
    }

    @Test
    void withoutCancelKeepsValuesAndDropsCancellation() throws InterruptedException {
        CancelCauseContext parent = Context.withCancelCause(Context.withValue(Context.background(), "id", "req-1"));
        CancelContext timed = Context.withTimeout(parent, HOUR);
        Context detached = Context.withoutCancel(Context.withValue(timed, "user", "ann"));
        assertEquals("req-1", detached.value("id"));
        assertEquals("ann", detached.value("user"));
        assertEquals(Optional.empty(), detached.deadline(), "no deadline, though the parent has one");
        CancelContext child = Context.withCancel(Context.withValue(detached, "k", 1));
        StopFunc stop = Context.afterFunc(detached, () -> {});
        assertEquals(0, timed.childCountForTest(), "nothing under withoutCancel registers above it");
        parent.cancel(new IOException("client went away"));
        awaitDone(timed);
        for (Context c : List.of(detached, Context.withValue(detached, "x", 2))) {
            assertNull(c.err());
            assertNull(Context.cause(c));
            assertFalse(c.isDone());
            assertEquals("not done", assertDoesNotBlock(c));
        }
        assertNull(child.err());
        assertNull(Context.cause(child));
        assertEquals("req-1", child.value("id"));
        assertTrue(stop.stop(), "never run: its context is never done");
        assertFalse(stop.stop());
        child.cancel();
        assertSame(Context.CANCELED, child.err());
        assertNull(detached.err());
        assertTrue(detached.toString().endsWith(".withoutCancel()"), detached.toString());
        assertThrows(NullPointerException.class, () -> Context.withoutCancel(null));
    }

    @Test
    void afterFuncRunsOnceWhenDoneAndStopRacesWithIt() throws InterruptedException {
        CancelContext ctx = Context.withCancel(Context.background());
        Chan<Thread> ran = Chan.buffered(4);
        StopFunc stopped = Context.afterFunc(ctx, () -> ran.trySend(Thread.currentThread()));
        StopFunc runs = Context.afterFunc(Context.withValue(ctx, "k", "v"), () -> ran.trySend(Thread.currentThread()));
        assertEquals(2, ctx.childCountForTest());
        assertTrue(stopped.stop());
        assertFalse(stopped.stop(), "stop was already called");
        assertEquals(1, ctx.childCountForTest(), "a stopped registration leaves its context");
        ctx.cancel();
        ctx.cancel();
        Thread t = ran.receive(LONG);
        assertNotNull(t);
        assertTrue(t.isVirtual(), "afterFunc runs on its own virtual thread");
        assertNotSame(Thread.currentThread(), t);
        assertTrue(t.join(LONG));
        assertFalse(runs.stop(), "already started");
        assertNull(ran.tryReceive(), "the stopped function never ran, the other ran once");

        // on a context that is done already, f starts at once
        CountDownLatch atOnce = new CountDownLatch(1);
        StopFunc late = Context.afterFunc(ctx, atOnce::countDown);
        assertTrue(atOnce.await(10, TimeUnit.SECONDS));
        assertFalse(late.stop());

        // on a context that is never done, nothing registers and stop succeeds once
        StopFunc never = Context.afterFunc(Context.background(), () -> {
            throw new AssertionError("ran");
        });
        assertTrue(never.stop());
        assertFalse(never.stop());

        NullPointerException e = assertThrows(NullPointerException.class, () -> Context.afterFunc(null, () -> {}));
        assertEquals("ctx", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Context.afterFunc(ctx, null));
        assertEquals("f", e.getMessage());
    }

    @Test
    void afterFuncRunsWhenTheDeadlinePassesWithTheCause() throws InterruptedException {
        IllegalStateException why = new IllegalStateException("too slow");
        CancelContext ctx = Context.withTimeoutCause(Context.background(), Duration.ofMillis(10), why);
        Chan<Throwable> seen = Chan.buffered(1);
        Context.afterFunc(ctx, () -> seen.trySend(Context.cause(ctx)));
        assertSame(why, seen.receive(LONG));
    }

    /**
     * Where f runs: on the GoScheduler of the thread that called afterFunc, whoever cancels;
     * from a platform thread, on a virtual thread of the JDK's scheduler, even when a weft
     * virtual thread cancels.
     */
    @Test
    void afterFuncRunsOnTheSchedulerOfItsCaller() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        try {
            CancelContext ctx = Context.withCancel(Context.background());
            Chan<String> where = Chan.buffered(2);
            Runnable report = () -> where.trySend(GoScheduler.current()
                            .map(x -> x == s ? "on s" : "on another")
                            .orElse("off weft")
                    + (Thread.currentThread().isVirtual() ? ", virtual" : ", platform"));
            AtomicReference<StopFunc> fromWeft = new AtomicReference<>();
            assertTrue(s.go(() -> fromWeft.set(Context.afterFunc(ctx, report))).join(LONG));
            StopFunc fromPlatform = Context.afterFunc(ctx, report);
            assertTrue(s.go(ctx::cancel).join(LONG)); // cancelled from a virtual thread of s
            Set<String> got = new HashSet<>(List.of(where.receive(LONG), where.receive(LONG)));
            assertEquals(Set.of("on s, virtual", "off weft, virtual"), got);
            assertFalse(fromWeft.get().stop());
            assertFalse(fromPlatform.stop());

            // a deadline is cancelled by weft's timer thread: f still runs on s
            AtomicReference<CancelContext> timed = new AtomicReference<>();
            assertTrue(s.go(() -> {
                        CancelContext c = Context.withTimeout(Context.background(), Duration.ofMillis(5));
                        timed.set(c);
                        Context.afterFunc(c, report);
                    })
                    .join(LONG));
            assertEquals("on s, virtual", where.receive(LONG));
        } finally {
            s.close();
        }
    }

    /**
     * A stopped afterFunc and a cancelled child are garbage while their long-lived parent lives
     * (Go's removeChild): weak references to them clear.
     */
    @Test
    void stoppedAfterFuncsAndCancelledChildrenAreCollected() {
        CancelContext parent = Context.withCancel(Context.background());
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Object payload = new byte[64];
            StopFunc stop = Context.afterFunc(parent, () -> payload.hashCode());
            CancelContext child = Context.withTimeout(Context.withValue(parent, "k", payload), HOUR);
            if (i % 1_000 == 0) {
                refs.add(new WeakReference<>(stop));
                refs.add(new WeakReference<>(child));
                refs.add(new WeakReference<>(payload));
            }
            assertTrue(stop.stop());
            child.cancel();
        }
        assertEquals(0, parent.childCountForTest());
        for (int gc = 0; gc < 50 && refs.stream().anyMatch(r -> r.get() != null); gc++) {
            System.gc();
        }
        assertEquals(0, refs.stream().filter(r -> r.get() != null).count(), "still reachable after GC");
        assertNull(parent.err());
    }

    /**
     * Cancel paths called from many weft virtual threads at once, at gomaxprocs 1 and 2: every
     * thread ends; every context ends done with the first cause; every afterFunc either ran
     * (stop returned false) or was stopped (stop returned true), never both, never neither.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void cancelFromManyVirtualThreadsAtOnce(int gomaxprocs) throws InterruptedException {
        GoScheduler s = GoScheduler.create(gomaxprocs);
        try {
            for (int round = 0; round < 30; round++) {
                oneCancelStorm(s, round);
            }
        } finally {
            s.close();
        }
    }

    private static void oneCancelStorm(GoScheduler s, int round) throws InterruptedException {
        int threads = 32;
        CancelCauseContext root = Context.withCancelCause(Context.background());
        CancelCauseContext mid = Context.withCancelCause(Context.withValue(root, "round", round));
        List<CancelContext> children = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            children.add(i % 2 == 0 ? Context.withCancel(mid) : Context.withTimeout(mid, HOUR));
        }
        Chan<Integer> ran = Chan.buffered(threads * 2);
        boolean[] stopResults = new boolean[threads * 2];
        List<Exception> causes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            causes.add(new IOException("cause " + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            int me = i;
            ts.add(s.go(() -> {
                try {
                    int a = me * 2;
                    StopFunc own = Context.afterFunc(children.get(me), () -> ran.trySend(a));
                    StopFunc shared = Context.afterFunc(mid, () -> ran.trySend(a + 1));
                    go.await();
                    for (int k = 0; k < 20; k++) {
                        Context.withCancel(mid).cancel(); // register/unregister churn
                    }
                    switch (me % 4) {
                        case 0 -> mid.cancel(causes.get(me));
                        case 1 -> children.get(me).cancel();
                        case 2 -> root.cancel(causes.get(me));
                        default -> Thread.yield();
                    }
                    stopResults[a] = own.stop();
                    stopResults[a + 1] = shared.stop();
                } catch (Throwable t) {
                    failures.incrementAndGet();
                    throw new AssertionError(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) {
            assertTrue(t.join(LONG), "round " + round + ": a cancelling thread did not end");
        }
        assertEquals(0, failures.get());
        root.cancel(new IOException("last")); // in case no thread cancelled the root
        Throwable midCause = Context.cause(mid);
        assertTrue(causes.contains(midCause), "mid's cause is one given to it or to root: " + midCause);
        for (CancelContext c : children) {
            assertTrue(c.isDone());
            assertNull(c.timerForTest());
        }
        assertEquals(0, root.childCountForTest());
        assertEquals(0, mid.childCountForTest());
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < stopResults.length; i++) {
            if (!stopResults[i]) {
                expected.add(i); // stop lost: f must have run (now or soon)
            }
        }
        Set<Integer> got = new HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            Integer v = ran.receive(LONG);
            assertNotNull(v, "round " + round + ": an afterFunc whose stop failed never ran");
            got.add(v);
        }
        assertEquals(expected, got, "round " + round + ": ran exactly the ones not stopped");
        assertNull(ran.tryReceive(), "round " + round + ": a stopped afterFunc ran");
    }

    /**
     * 10^6 children (withCancel, withTimeout, withCancelCause) and 10^6 afterFunc registrations
     * made and cancelled or stopped under one long-lived parent, in a child JVM of 64 MB: it
     * would run out of heap if any of them stayed reachable; it also reports the heap after GC
     * at 10^5 and at 10^6 iterations, and fails if it grew.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS) // a child JVM: ~7 s alone, more on a busy machine
    void millionsOfCancelledChildrenFitInASmallHeap() throws Exception {
        String out = ContextLeakMain.runChild(1_000_000);
        System.out.println("ContextLeakMain: " + out.strip());
        assertTrue(out.contains("children=0"), out);
        assertTrue(out.contains("done"), out);
    }
}

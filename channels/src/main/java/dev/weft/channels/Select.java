package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.WaitReason;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, and commits
 * exactly one.
 *
 * <pre>{@code
 * String r = Select.select(
 *     in.onReceive(v -> "got " + v),
 *     out.onSend("x", () -> "sent"),
 *     Timers.after(Duration.ofSeconds(1)).onReceive(t -> "timeout"),   // case <-time.After(d)
 *     Select.orDefault(() -> "nothing ready"));                          // default
 * }</pre>
 *
 * <ul>
 *   <li>Among the cases ready at once, one is chosen uniformly at random (Go's pollorder).</li>
 *   <li>Without a ready case and without a default, the select waits on every case; the first
 *       counterpart to arrive commits one case, and the others leave no trace (no value taken,
 *       no waiter left in any queue).</li>
 *   <li>A closed channel is ready: a receive case on it fails with
 *       {@link ChannelClosedException} unless it is a {@link ReceiveChan#onReceiveOk} case;
 *       a send case on it fails.</li>
 *   <li>The same channel may appear in several cases. Many selects over overlapping channels
 *       in different orders never deadlock: channels are locked in one global order.</li>
 *   <li>{@link #when when(false, clause)} disables a case, as Go does with a nil channel; a
 *       select with no enabled case and no default waits until interrupted, like Go's
 *       {@code select {}}.</li>
 *   <li>An interrupted select throws {@link InterruptedException} and commits no case, or, if a
 *       case committed first, returns normally with the interrupt status set.</li>
 * </ul>
 *
 * <p>Model: Go's runtime/select.go {@code selectgo}: lock every channel in id order, pass 1
 * polls the cases in random order, pass 2 enqueues a waiter on every channel, park; the
 * counterpart claims the select (one CAS on the shared waiter), and on wake-up pass 3 unlinks
 * the waiters of the cases that lost. Before pass 1, weft polls each case under its own lock
 * (pass 0), which commits a ready case without taking every lock.
 */
public final class Select {
    private Select() {}

    /**
     * Blocks until one clause can proceed, commits it and returns what its handler returns.
     *
     * @param <R> the result type of the clauses' handlers
     * @param clauses the cases, at most one of them a default ({@link #orDefault}); none at all blocks
     *         forever, as Go's {@code select {}}
     * @return what the committed clause's handler returned
     * @throws NullPointerException if {@code clauses} or one of them is null
     * @throws InterruptedException   if interrupted before any case committed
     * @throws DeadlockException      with {@code -Dweft.deadlock=fail}, when the scheduler's
     *                                deadlock detector finds this select blocked in a deadlock;
     *                                no case committed
     * @throws ChannelClosedException if the committed case is a send on a closed channel, or a
     *                                receive ({@code onReceive}) on a closed and drained one
     * @throws IllegalArgumentException if more than one default is given
     * @throws NullPointerException     if an enabled send case carries a null value (a disabled
     *                                  one may: it never runs); nothing is committed then
     */
    @SafeVarargs
    public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
        Objects.requireNonNull(clauses, "clauses");
        // Copied element by element: the array itself is never passed on or converted (heap
        // pollution from a generic varargs array, javac's [varargs] lint).
        SelectClause<?>[] cases = new SelectClause<?>[clauses.length];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = clauses[i];
        }
        return selectgo(cases);
    }

    /**
     * {@link #select(SelectClause[])} over a list of clauses.
     *
     * @param <R> the result type of the clauses' handlers
     * @param clauses the cases, at most one of them a default; copied before use
     * @return what the committed clause's handler returned
     * @throws InterruptedException if interrupted before any case committed
     * @throws NullPointerException if {@code clauses} or one of them is null
     */
    public static <R> R select(List<? extends SelectClause<? extends R>> clauses) throws InterruptedException {
        Objects.requireNonNull(clauses, "clauses");
        return selectgo(clauses.toArray(new SelectClause<?>[0]));
    }

    /**
     * Go's {@code default}: runs when no other case is ready, so the select never blocks.
     *
     * @param <R> what the select returns when no other case is ready
     * @param then called on the selecting thread when no other case is ready; its result is the select's
     * @return a default clause; at most one per select
     * @throws NullPointerException if {@code then} is null
     */
    public static <R> SelectClause<R> orDefault(Supplier<? extends R> then) {
        Objects.requireNonNull(then, "then");
        return SelectClause.orDefault(then);
    }

    /**
     * {@code clause} if {@code enabled}, else the same case disabled: never ready, as a case on
     * a nil channel in Go. A disabled send case is never run, so its value may be null:
     * {@code Select.when(v != null, out.onSend(v))} is Go's "send only when there is something".
     *
     * @param <R> the clause's result type
     * @param enabled whether the case may be chosen
     * @param clause the case
     * @return {@code clause} itself if {@code enabled}, else a disabled copy that is never ready
     * @throws NullPointerException if {@code clause} is null
     */
    public static <R> SelectClause<R> when(boolean enabled, SelectClause<R> clause) {
        Objects.requireNonNull(clause, "clause");
        return enabled ? clause : clause.disabled();
    }

    // ---- the engine -------------------------------------------------------------------------
    //
    // The commit of a case is written once: pollLocked (passes 0 and 1) commits through Chan's
    // chansendLocked/chanrecvLocked, the same steps a plain send or receive takes; a counterpart
    // commits a waiting select through the same Chan#send/Chan#recv/close steps, which complete
    // one of its nodes. The winner of a waiting select is decided by one CAS on the shared owner
    // (Waiter#claim): whoever wins it, under the lock of the winning node's channel, completes
    // the select; every other node is stale from then on and is unlinked in pass 3.

    private static <R> R selectgo(SelectClause<?>[] cases) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        int n = cases.length;
        int dflt = -1;
        int enabled = 0;
        for (int i = 0; i < n; i++) {
            SelectClause<?> c = Objects.requireNonNull(cases[i], "select clause");
            if (c instanceof SelectClause.Default<?>) {
                if (!c.enabled()) {
                    continue; // Select.when(false, orDefault(...)): no default
                }
                if (dflt >= 0) {
                    throw new IllegalArgumentException("select has more than one default");
                }
                dflt = i;
            } else if (c.enabled()) {
                if (c instanceof SelectClause.Send<?> s && s.value == null) {
                    throw new NullPointerException("select case " + i + " sends null: channels do not carry"
                            + " null (a case disabled with Select.when(false, ...) may, since it never runs)");
                }
                enabled++;
            }
        }
        // pollorder: a uniformly random permutation of the enabled cases (Fisher-Yates)
        int[] pollorder = new int[enabled];
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0, k = 0; i < n; i++) {
            if (!(cases[i] instanceof SelectClause.Default<?>) && cases[i].enabled()) {
                int j = rnd.nextInt(k + 1);
                pollorder[k] = pollorder[j];
                pollorder[j] = i;
                k++;
            }
        }
        // pass 0 (weft's, not Go's): poll the cases in pollorder, each under its own lock
        // only; the first that can go commits. It was ready at that moment, so this is an
        // outcome the select may have, and the common select, one that finds a case ready,
        // skips sorting and taking every lock (profiled: a third of a non-blocking select).
        // When none could go, pass 1 judges again under all the locks, so "nothing is ready"
        // (for the default, or to wait) is still decided at one moment, as in Go.
        for (int i : pollorder) {
            SelectClause<?> c = cases[i];
            Chan<?> ch = c.chan;
            ch.lock(); // holding no other lock: may yield
            Object outcome = pollLocked(c);
            if (outcome != null) {
                ch.unlockAndWake();
                return fire(c, outcome);
            }
            ch.unlock();
        }

        Chan<?>[] lockorder = lockOrder(cases, pollorder);

        // pass 1: look for a case that can go now, under every lock
        lockAll(lockorder);
        for (int i : pollorder) {
            SelectClause<?> c = cases[i];
            Object outcome = pollLocked(c);
            if (outcome != null) {
                Waiter w = c.chan.takeToWake();
                unlockAll(lockorder);
                if (w != null) {
                    w.wake();
                }
                return fire(c, outcome);
            }
        }
        if (dflt >= 0) {
            unlockAll(lockorder);
            return fire(cases[dflt], null);
        }

        // pass 2: wait on every case; one node per case, all claimed through the shared owner
        Waiter owner =
                new Waiter(Thread.currentThread(), null, enabled == 0 ? WaitReason.SELECT_NO_CASES : WaitReason.SELECT);
        Waiter[] nodes = new Waiter[enabled];
        for (int k = 0; k < enabled; k++) {
            int i = pollorder[k];
            SelectClause<?> c = cases[i];
            Waiter node = new Waiter(owner, i, c instanceof SelectClause.Send<?> s ? s.value : null);
            nodes[k] = node;
            waitq(c).enqueue(node);
        }
        unlockAll(lockorder);
        int result = owner.await(0, true);

        // pass 3: unlink the waiters of every case (the committed one is already unlinked: the
        // winner dequeued it before its claim CAS)
        for (int k = 0; k < enabled; k++) {
            Waiter node = nodes[k];
            SelectClause<?> c = cases[node.caseIndex];
            c.chan.lock();
            assert result != Waiter.DONE || node.caseIndex != owner.fired || node.queue == null
                    : "the committed case's node is still queued";
            waitq(c).unlink(node);
            c.chan.unlock();
        }
        if (result == Waiter.DEADLOCKED) {
            throw owner.deadlock(); // no case committed
        }
        if (result != Waiter.DONE) {
            assert result == Waiter.INTERRUPTED : result;
            throw new InterruptedException("interrupted while selecting: no case committed");
        }
        return fire(cases[owner.fired], owner.outcome);
    }

    /**
     * Passes 0 and 1, one case: with the case's channel locked, commits it if it can go now,
     * through the steps a plain send or receive takes ({@link Chan#chansendLocked},
     * {@link Chan#chanrecvLocked}); returns the outcome, or null when it would block. A
     * counterpart it claimed is left in the channel's {@code toWake}.
     */
    private static Object pollLocked(SelectClause<?> c) {
        return switch (c) {
            case SelectClause.Send<?> s -> s.chan.chansendLocked(s.value);
            case SelectClause.Receive<?> r -> r.chan.chanrecvLocked();
            case SelectClause.ReceiveOk<?> r -> r.chan.chanrecvLocked();
            case SelectClause.Default<?> d -> throw new AssertionError("a default is never polled");
        };
    }

    /** Pass 2 and 3, one case: the queue its node waits in. */
    private static WaitQueue waitq(SelectClause<?> c) {
        return switch (c) {
            case SelectClause.Send<?> s -> s.chan.sendq;
            case SelectClause.Receive<?> r -> r.chan.recvq;
            case SelectClause.ReceiveOk<?> r -> r.chan.recvq;
            case SelectClause.Default<?> d -> throw new AssertionError("a default never waits");
        };
    }

    /** Runs the committed case's handler, outside every lock. */
    @SuppressWarnings("unchecked")
    private static <R> R fire(SelectClause<?> c, Object outcome) {
        return (R) c.fire(outcome);
    }

    /** The distinct channels of the enabled cases, sorted by id: the global lock order. */
    private static Chan<?>[] lockOrder(SelectClause<?>[] cases, int[] pollorder) {
        Chan<?>[] order = new Chan<?>[pollorder.length];
        int m = 0;
        for (int i : pollorder) {
            Chan<?> ch = cases[i].chan;
            int j = m;
            boolean dup = false;
            for (int k = 0; k < m; k++) {
                if (order[k] == ch) {
                    dup = true;
                    break;
                }
            }
            if (dup) {
                continue;
            }
            while (j > 0 && order[j - 1].id > ch.id) { // insertion sort: selects are small
                order[j] = order[j - 1];
                j--;
            }
            order[j] = ch;
            m++;
        }
        return m == order.length ? order : java.util.Arrays.copyOf(order, m);
    }

    /**
     * Locks every channel in id order (Go's {@code sellock}). A lock that stays busy past a short
     * spin makes us release the ones we hold, yield, and start over: a thread must never be
     * unmounted while holding a lock that others spin on, or they convoy behind it.
     */
    private static void lockAll(Chan<?>[] order) {
        retry:
        for (; ; ) {
            for (int i = 0; i < order.length; i++) {
                Chan<?> ch = order[i];
                if (i == 0) {
                    ch.lock(); // holding nothing yet: lock() may yield
                } else if (!ch.tryLockSpinning()) {
                    for (int j = i - 1; j >= 0; j--) {
                        order[j].unlock();
                    }
                    Thread.yield();
                    continue retry;
                }
            }
            return;
        }
    }

    private static void unlockAll(Chan<?>[] order) {
        for (int i = order.length - 1; i >= 0; i--) {
            order[i].unlock();
        }
    }
}

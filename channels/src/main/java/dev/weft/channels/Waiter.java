package dev.weft.channels;

import dev.weft.scheduler.internal.Sudog;
import dev.weft.scheduler.internal.WaitReason;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocked channel operation, Go's {@code sudog}: one node in a channel's send or receive queue.
 * A plain send or receive is its own claim target; the nodes of one select share the select's
 * {@link #owner}, so that exactly one of them can be claimed. The owner is the thread's park
 * blocker and carries the wait reason ({@code chan send}, {@code chan receive}, {@code select},
 * {@code select (no cases)}); it parks in {@link Sudog#gopark}.
 *
 * <p>The claim protocol (what makes a hand-off exactly-once), {@link Sudog}'s on the owner:
 * <ul>
 *   <li>{@code state} goes WAITING → CLAIMED by one CAS on the {@link #owner} ({@link #claim}):
 *       a counterpart, holding the lock of the channel whose queue held the node, wins the
 *       waiter; or WAITING → CANCELLED by the waiter itself ({@link #cancel}: interrupt,
 *       timeout, deadlock). Exactly one of them succeeds. For a select this CAS decides the
 *       winning case: all its nodes share the owner's {@code state}, so at most one node is
 *       ever claimed, and a node whose owner is no longer WAITING is stale.</li>
 *   <li>Only the claimer completes: it writes the result ({@link #outcome}, {@link #fired}) and
 *       publishes it with the volatile write CLAIMED → DONE ({@link #complete}), still under
 *       that lock and after unlinking the node, then unlocks and unparks the thread. The waiter
 *       reads the result only after it sees DONE.</li>
 *   <li>Links ({@code prev}, {@code next}, {@code queue}) change only under the lock of the
 *       channel whose queue holds the node.</li>
 * </ul>
 */
final class Waiter extends Sudog {
    static final int WAITING = Sudog.WAITING;
    static final int CLAIMED = Sudog.CLAIMED;
    static final int DONE = Sudog.DONE;
    static final int CANCELLED = Sudog.CANCELLED;
    /** {@link #await} results besides DONE: why the waiter cancelled itself. */
    static final int INTERRUPTED = Sudog.INTERRUPTED;

    static final int TIMED_OUT = Sudog.TIMED_OUT;
    /** The deadlock detector woke the waiter and it withdrew: {@link #deadlock()} says why. */
    static final int DEADLOCKED = Sudog.DEADLOCKED;

    /** The claim target: this for a plain operation, the shared select waiter for a select case. */
    final Waiter owner;

    final Thread thread;
    /** The select case this node stands for (0 for a plain operation). */
    final int caseIndex;
    /** For a send node: the value offered. */
    final Object elem;

    // result, on the owner: written by the claimer between CLAIMED and DONE
    /**
     * What the committed operation did (see {@link Chan#chansendLocked}): the value received,
     * {@link Chan#SENT}, or {@link Chan#CLOSED}; never null once DONE.
     */
    Object outcome;
    /** The case index of the node that was claimed (0 for a plain operation). */
    int fired;

    // links, guarded by the lock of the channel that queues this node
    Waiter prev;
    Waiter next;
    WaitQueue queue;

    /** A plain operation's waiter ({@code CHAN_SEND}, {@code CHAN_RECEIVE}), or a select's shared owner. */
    Waiter(Thread thread, Object elem, WaitReason reason) {
        super(reason);
        this.owner = this;
        this.thread = thread;
        this.caseIndex = 0;
        this.elem = elem;
    }

    /** A select case's node; never parked on, it shares its owner's state and reason. */
    Waiter(Waiter owner, int caseIndex, Object elem) {
        super(owner.waitReason());
        this.owner = owner;
        this.thread = owner.thread;
        this.caseIndex = caseIndex;
        this.elem = elem;
    }

    /** Counterpart side: wins the owner, or false if someone else did (or it was cancelled). */
    boolean claim() {
        return owner.tryClaim();
    }

    /**
     * Counterpart side, after a successful {@link #claim}, with the channel's lock held and the
     * node already unlinked: publish the outcome (a value received, {@link Chan#SENT} or
     * {@link Chan#CLOSED}). The caller then unlocks the channel and calls {@link #wake()} (Go's
     * goready after unlock: the woken thread must not run into the lock we still hold).
     */
    void complete(Object outcome) {
        Waiter o = owner;
        // o is CLAIMED by this thread: markDone asserts it
        assert queue == null : "completing a waiter still queued";
        assert outcome == Chan.CLOSED || (outcome != null && (elem != null) == (outcome == Chan.SENT))
                : "a send completes SENT or CLOSED, a receive with a value or CLOSED: " + outcome;
        o.outcome = outcome;
        o.fired = caseIndex;
        o.markDone();
    }

    /** Unparks the waiting thread; on a GoScheduler it runs next on the caller's P. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /**
     * Waiter side (on the owner): parks until DONE, through {@link Sudog#gopark}. With
     * {@code deadline != 0} (System.nanoTime), or when interrupted, it tries to cancel; returns
     * DONE, INTERRUPTED (interrupt status cleared) or TIMED_OUT. If the cancel loses, it waits
     * for the claimer's result (a few instructions away) and returns DONE, with the interrupt
     * status kept. A deadlock declared by the detector while it parked without a deadline
     * returns DEADLOCKED with {@link #deadlock()} set (or, if the cancel loses, DONE).
     */
    int await(long deadline, boolean interruptible) {
        assert owner == this : "only a select's owner parks";
        return gopark(deadline, interruptible);
    }
}

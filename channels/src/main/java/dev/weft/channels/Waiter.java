package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.Deadlocks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocked channel operation, Go's {@code sudog}: one node in a channel's send or receive queue.
 * A plain send or receive is its own claim target; the nodes of one select share the select's
 * {@link #owner}, so that exactly one of them can be claimed.
 *
 * <p>The claim protocol (what makes a hand-off exactly-once):
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
final class Waiter {
    static final int WAITING = 0;
    static final int CLAIMED = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;
    /** {@link #await} results besides DONE: why the waiter cancelled itself. */
    static final int INTERRUPTED = 4;
    static final int TIMED_OUT = 5;
    /** The deadlock detector woke the waiter and it withdrew: {@link #deadlock} says why. */
    static final int DEADLOCKED = 6;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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

    private volatile int state;

    /** Set with a DEADLOCKED result; written and read only by the waiting thread. */
    DeadlockException deadlock;

    // links, guarded by the lock of the channel that queues this node
    Waiter prev;
    Waiter next;
    WaitQueue queue;

    /** A plain operation's waiter, or a select's shared owner. */
    Waiter(Thread thread, Object elem) {
        this.owner = this;
        this.thread = thread;
        this.caseIndex = 0;
        this.elem = elem;
    }

    /** A select case's node. */
    Waiter(Waiter owner, int caseIndex, Object elem) {
        this.owner = owner;
        this.thread = owner.thread;
        this.caseIndex = caseIndex;
        this.elem = elem;
    }

    /** Counterpart side: wins the owner, or false if someone else did (or it was cancelled). */
    boolean claim() {
        return owner.state == WAITING && STATE.compareAndSet(owner, WAITING, CLAIMED);
    }

    /**
     * Counterpart side, after a successful {@link #claim}, with the channel's lock held and the
     * node already unlinked: publish the outcome (a value received, {@link Chan#SENT} or
     * {@link Chan#CLOSED}). The caller then unlocks the channel and calls {@link #wake()} (Go's
     * goready after unlock: the woken thread must not run into the lock we still hold).
     */
    void complete(Object outcome) {
        Waiter o = owner;
        assert o.state == CLAIMED : "completing a waiter this thread did not claim: state " + o.state;
        assert queue == null : "completing a waiter still queued";
        assert outcome == Chan.CLOSED || (outcome != null && (elem != null) == (outcome == Chan.SENT))
                : "a send completes SENT or CLOSED, a receive with a value or CLOSED: " + outcome;
        o.outcome = outcome;
        o.fired = caseIndex;
        o.state = DONE;
    }

    /** Unparks the waiting thread; on a GoScheduler it runs next on the caller's P. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** Waiter side: give up (interrupt, timeout). False if a counterpart claimed it first. */
    boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    boolean isDone() {
        return state == DONE;
    }

    /**
     * Waiter side: parks until DONE. With {@code deadline != 0} (System.nanoTime), or when
     * interrupted, it tries to cancel; returns DONE, INTERRUPTED (interrupt status cleared) or
     * TIMED_OUT. If the cancel loses, it waits for the claimer's result (a few instructions
     * away) and returns DONE, with the interrupt status kept.
     *
     * <p>An untimed wait that wakes without a result asks {@link Deadlocks} whether the deadlock
     * detector declared this thread deadlocked while parked here; if so it cancels like an
     * interrupt and returns DEADLOCKED with {@link #deadlock} set (or, if the cancel loses,
     * DONE: a counterpart came after all and the declaration is dropped). The check runs only
     * after such a wake-up: the hot path is unchanged.
     */
    int await(long deadline, boolean interruptible) {
        boolean interrupted = false;
        try {
            for (;;) {
                if (state == DONE) {
                    return DONE;
                }
                if (interruptible && Thread.interrupted()) {
                    interrupted = true;
                    if (cancel()) {
                        interrupted = false;
                        return INTERRUPTED;
                    }
                    return awaitClaimed();
                }
                if (deadline != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (cancel()) {
                            return TIMED_OUT;
                        }
                        return awaitClaimed();
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                    if (state != DONE) { // woken without a result: the deadlock detector?
                        DeadlockException e = Deadlocks.take(thread, this);
                        if (e != null) {
                            if (cancel()) {
                                deadlock = e;
                                return DEADLOCKED;
                            }
                            return awaitClaimed(); // not a deadlock after all: drop e
                        }
                    }
                }
            }
        } finally {
            if (interrupted && state == DONE) {
                Thread.currentThread().interrupt(); // delivered anyway: keep the interrupt for later
            }
        }
    }

    /** The claimer is between CLAIMED and DONE: wait for DONE (it never blocks in between). */
    private int awaitClaimed() {
        while (state != DONE) {
            Thread.onSpinWait();
        }
        return DONE;
    }
}

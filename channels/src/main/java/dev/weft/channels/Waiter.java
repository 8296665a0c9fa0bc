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
 *   <li>{@code state} goes WAITING → CLAIMED by one CAS: a counterpart, holding the channel's
 *       lock, wins the waiter; or WAITING → CANCELLED by the waiter itself (interrupt, timeout).
 *       Exactly one of them succeeds.</li>
 *   <li>The claimer then writes the result ({@code value}, {@code fired}, {@code closed}) and
 *       publishes it with the volatile write CLAIMED → DONE, then unparks the thread. The waiter
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
    Object value;
    int fired;
    boolean closed;

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
     * Counterpart side, after a successful claim: publish the result. The caller then unlocks
     * the channel and calls {@link #wake()} (Go's goready after unlock: the woken thread must
     * not run into the lock we still hold).
     */
    void complete(Object value, boolean closed) {
        Waiter o = owner;
        o.value = value;
        o.fired = caseIndex;
        o.closed = closed;
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

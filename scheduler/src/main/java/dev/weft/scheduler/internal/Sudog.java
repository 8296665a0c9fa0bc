package dev.weft.scheduler.internal;

import dev.weft.scheduler.DeadlockException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread's wait in weft, Go's {@code sudog}, and its one park loop, Go's {@code gopark}:
 * {@link #gopark} parks on this object (a {@link WeftBlocker}, so the wait carries its
 * {@link WaitReason}) until a waker completes it, and handles in one place what ends a wait
 * early: an interrupt, a deadline, and a deadlock declared by the detector ({@link Deadlocks}).
 * Used by every blocking operation of {@code dev.weft.channels} (a channel's {@code Waiter}, a
 * {@code WaitGroup}'s waiter).
 *
 * <p>The state protocol (what makes a hand-off exactly-once):
 * <ul>
 *   <li>{@code state} leaves {@link #WAITING} by exactly one CAS: a waker's
 *       ({@link #tryClaim}: to {@link #CLAIMED}, then {@link #markDone} publishes its result;
 *       or {@link #tryRelease}: straight to {@link #DONE} when there is no result to write), or
 *       the waiter's own ({@link #cancel}: to {@link #CANCELLED}, on interrupt, timeout or
 *       deadlock).</li>
 *   <li>CLAIMED only ever goes to DONE, a few instructions later, without blocking: a waiter
 *       whose cancel lost spins for it.</li>
 *   <li>The waiter reads a waker's result only after it sees DONE (a volatile read).</li>
 * </ul>
 *
 * <p><b>Internal:</b> public only so that {@code dev.weft.channels} can reach it.
 */
public class Sudog extends WeftBlocker {
    /** Waiting: neither claimed nor cancelled. */
    public static final int WAITING = 0;
    /** Claimed by a waker, which is writing its result. */
    public static final int CLAIMED = 1;
    /** Completed: the result, if any, is published. Also a {@link #gopark} result. */
    public static final int DONE = 2;
    /** Cancelled by the waiter itself. */
    public static final int CANCELLED = 3;
    /** {@link #gopark} result: interrupted and cancelled (the interrupt status is cleared). */
    public static final int INTERRUPTED = 4;
    /** {@link #gopark} result: the deadline passed and the wait was cancelled. */
    public static final int TIMED_OUT = 5;
    /** {@link #gopark} result: declared deadlocked and cancelled; {@link #deadlock()} says why. */
    public static final int DEADLOCKED = 6;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Sudog.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;

    /** Set with a DEADLOCKED result; written and read only by the waiting thread. */
    private DeadlockException deadlock;

    /**
     * A new wait, {@link #WAITING}.
     *
     * @param reason why the thread will park
     * @throws NullPointerException if {@code reason} is null
     */
    public Sudog(WaitReason reason) {
        super(reason);
    }

    /**
     * Waker side: WAITING to CLAIMED; the winner then writes its result and calls
     * {@link #markDone}.
     *
     * @return true if this call won the wait; false if it was claimed, released or cancelled
     */
    public final boolean tryClaim() {
        return state == WAITING && STATE.compareAndSet(this, WAITING, CLAIMED);
    }

    /** Waker side, after a successful {@link #tryClaim}: publishes the result (CLAIMED to DONE). */
    public final void markDone() {
        assert state == CLAIMED;
        state = DONE;
    }

    /**
     * Waker side, when there is no result to write: WAITING to DONE in one CAS.
     *
     * @return true if this call completed the wait (then unpark the thread), false if it was
     *         already cancelled or completed
     */
    public final boolean tryRelease() {
        return STATE.compareAndSet(this, WAITING, DONE);
    }

    /**
     * Waiter side: WAITING to CANCELLED.
     *
     * @return true if the wait is withdrawn, false if a waker claimed or released it first
     */
    public final boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /**
     * Whether a waker completed the wait. A volatile read: once true, the waker's result, if
     * any, is visible to the caller.
     *
     * @return true if a waker completed the wait
     */
    public final boolean isDone() {
        return state == DONE;
    }

    /**
     * Whether the waiter withdrew ({@link #cancel()} won). A volatile read.
     *
     * @return true if the wait was cancelled before a waker claimed it
     */
    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * The deadlock the detector declared, after {@link #gopark} returned {@link #DEADLOCKED}.
     * Waiting thread only.
     *
     * @return the exception to throw (its stack trace is the waiting thread's), or null
     */
    public final DeadlockException deadlock() {
        return deadlock;
    }

    /**
     * Go's {@code gopark}: parks the calling thread on this sudog until it is DONE. Call it
     * from the thread that waits, after the sudog is published to its wakers.
     * <ul>
     *   <li>With {@code deadline != 0} ({@link System#nanoTime}), once it has passed, it cancels
     *       and returns {@link #TIMED_OUT}.</li>
     *   <li>With {@code interruptible}, an interrupt cancels and returns {@link #INTERRUPTED}
     *       with the interrupt status cleared.</li>
     *   <li>An untimed park that wakes without a result asks {@link Deadlocks#take(Thread,
     *       Object)} whether the deadlock detector declared this wait deadlocked; if so it
     *       cancels and returns {@link #DEADLOCKED} ({@link #deadlock()} set). The check runs
     *       only after such a wake-up: the hot path is one volatile read and the park.</li>
     *   <li>If a cancel loses, a waker came first: it waits for DONE (a few instructions
     *       away) and returns {@link #DONE}, keeping the interrupt status if it was interrupted,
     *       and dropping a declared deadlock.</li>
     * </ul>
     *
     * @param deadline      0 for none, else a {@link System#nanoTime} deadline
     * @param interruptible whether an interrupt ends the wait
     * @return {@link #DONE}, {@link #INTERRUPTED}, {@link #TIMED_OUT} or {@link #DEADLOCKED}
     */
    public final int gopark(long deadline, boolean interruptible) {
        boolean interrupted = false;
        try {
            for (; ; ) {
                if (state == DONE) {
                    return DONE;
                }
                if (interruptible && Thread.interrupted()) {
                    interrupted = true;
                    if (cancel()) {
                        interrupted = false;
                        return INTERRUPTED;
                    }
                    return awaitDone();
                }
                if (deadline != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return cancel() ? TIMED_OUT : awaitDone();
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                    if (state != DONE) { // woken without a result: the deadlock detector?
                        DeadlockException e = Deadlocks.take(Thread.currentThread(), this);
                        if (e != null) {
                            if (cancel()) {
                                deadlock = e;
                                return DEADLOCKED;
                            }
                            return awaitDone(); // not a deadlock after all: drop e
                        }
                    }
                }
            }
        } finally {
            if (interrupted && state == DONE) {
                Thread.currentThread().interrupt(); // completed anyway: keep the interrupt for later
            }
        }
    }

    /** A cancel lost: the waker is between CLAIMED and DONE, or done (it never blocks in between). */
    private int awaitDone() {
        while (state != DONE) {
            Thread.onSpinWait();
        }
        return DONE;
    }
}

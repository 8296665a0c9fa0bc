package dev.weft.scheduler.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * An M: a platform thread that carries virtual threads while it holds a {@link Processor}.
 * Its loop is Go's {@code schedule}: find a runnable task, run it, repeat; with nothing to do it
 * gives its P back and parks on the idle carrier list until {@link CarrierScheduler#startm}
 * hands it a P.
 *
 * <p>Who writes what:
 * <ul>
 *   <li>{@code p}: only this carrier (it acquires from {@code nextp} and releases under the lock),
 *       or the task it runs, pinned to it, in {@code GoScheduler.blocking} (never both at once);
 *       sysmon reads it racily.</li>
 *   <li>{@code spinning}: this carrier, through the scheduler's {@code becomeSpinning} and
 *       {@code stopSpinning}, which keep {@code nmspinning} equal to the spinning carriers (plus
 *       one {@code wakep} is starting); set by {@code startm} before the carrier has its P.</li>
 *   <li>{@code nextp}: written by {@code startm} (under the lock) after {@code spinning}; the
 *       volatile write publishes both; cleared by this carrier when it takes the P.</li>
 *   <li>{@code nextIdle}: under the scheduler lock.</li>
 *   <li>{@code current}, {@code inheritTime}: only this carrier.</li>
 *   <li>{@code state} (who may use the P while a task runs; Go's P status {@code _Psyscall}
 *       made per carrier, so that a P handed on can't be confused with its next holder):
 *       FREE between tasks; the carrier sets IN_TASK (release) before a task and CASes
 *       IN_TASK → FREE after it. sysmon (under the scheduler lock) or the task itself
 *       ({@code GoScheduler.blocking}) CASes IN_TASK → LOST to take the P away: then the
 *       carrier's end-of-task CAS fails and it lets the P go without touching it again. A task
 *       queuing onto its own P ({@link CarrierScheduler#execute}) holds IN_TASK → SUBMITTING →
 *       IN_TASK around the put, so the P can't be handed on in the middle of it. Exactly one CAS
 *       wins each race; only this carrier ever leaves LOST (when it gets a P again).</li>
 * </ul>
 */
final class Carrier extends Thread {
    static final int FREE = 0;
    static final int IN_TASK = 1;
    static final int SUBMITTING = 2;
    static final int LOST = 3;

    /**
     * What a carrier needs of its scheduler: the steps of Go's {@code schedule} loop, and when to
     * stop. Implemented by {@link CarrierScheduler}; all called on the carrier itself.
     */
    interface Sched {
        /** The next task, parking while there is none; null when the carrier must exit. */
        Runnable findRunnable(Carrier c);

        /** The task found came from spinning: stop spinning, wake another spinner. */
        void resetSpinning(Carrier c);

        /** Runs one task, and counts a goroutine out when it finished. */
        void runTask(Carrier c, Runnable task);

        /** The scheduler terminated: idle carriers exit. */
        boolean isTerminated();

        /** An idle spare's keep-alive ran out: true if it may exit (it was counted out). */
        boolean retireIdle(Carrier c);

        /** The carrier's last act. */
        void carrierExited(Carrier c);

        /** Whether the global run queue holds a task (a racy snapshot). */
        boolean hasGlobalWork();
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Carrier.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Sched sched;
    /** When this carrier parked on the idle list (System.nanoTime): spares retire after a while. */
    long idleSince;
    /** Set under the scheduler lock when an idle spare leaves; it was counted out then. */
    boolean retired;

    private volatile int state = FREE;
    /** Its Linux TID for sysmon, set first thing in {@link #run}; {@link ThreadStates#NO_TID} until then or if unknown. */
    volatile int tid = ThreadStates.NO_TID;

    Processor p;
    volatile Processor nextp;
    boolean spinning;
    Carrier nextIdle;

    /** The task being run: a task that resubmits itself (Thread.yield) is recognised by it. */
    Runnable current;
    /** Whether the task just found came from runnext and inherits the time slice. */
    boolean inheritTime;

    Carrier(Sched sched, String name, Processor p, boolean spinning) {
        super(null, null, name, 0, false);
        this.sched = sched;
        this.nextp = p;
        this.spinning = spinning;
        setDaemon(true);
    }

    @Override
    public void run() {
        tid = ThreadStates.currentTid();
        try {
            if (!acquireNextp(Long.MAX_VALUE)) { // a new carrier: startm handed it a P already
                return;
            }
            for (; ; ) {
                Runnable task = sched.findRunnable(this);
                if (task == null) {
                    return; // the scheduler terminated
                }
                if (spinning) {
                    sched.resetSpinning(this);
                }
                if (!inheritTime) {
                    p.schedtick++;
                    p.runq.newSlice();
                }
                sched.runTask(this, task);
                task = null; // an interpreted frame keeps dead locals: don't pin it while we park
            }
        } finally {
            sched.carrierExited(this);
        }
    }

    /**
     * Whether this carrier's P has work queued: its local run queue ({@code runnext} included)
     * or the global one. Called from the virtual thread mounted on this carrier (the same OS
     * thread that writes {@link #p}), or racily from elsewhere: a heuristic for
     * {@link QueuedWork}, never a decision of the scheduler's.
     */
    boolean hasQueuedWork() {
        Processor pp = p;
        return pp != null && (!pp.runq.isEmpty() || sched.hasGlobalWork());
    }

    /**
     * Takes the P that startm handed over, parking until then: false when the scheduler
     * terminated instead, or when this carrier was idle for {@code keepAliveNanos} and
     * {@link CarrierScheduler#retireIdle} let it go.
     */
    boolean acquireNextp(long keepAliveNanos) {
        for (; ; ) {
            Processor np = nextp;
            if (np != null) {
                nextp = null;
                p = np;
                return true;
            }
            if (sched.isTerminated()) {
                return false;
            }
            if (System.nanoTime() - idleSince >= keepAliveNanos && sched.retireIdle(this)) {
                return false;
            }
            Thread.interrupted(); // a stray interrupt must not turn park into a spin
            LockSupport.parkNanos(sched, keepAliveNanos);
        }
    }

    // ---- who may use the P while a task runs: see the class comment ----

    /** Before a task: the task may use this carrier's P. */
    void beginTask() {
        STATE.setRelease(this, IN_TASK);
    }

    /** After a task: true if the carrier still holds its P; false if it was taken (LOST). */
    boolean endTask() {
        return STATE.compareAndSet(this, IN_TASK, FREE);
    }

    /** A task queuing onto this carrier's P: false when the P was taken meanwhile. */
    boolean beginSubmit() {
        return STATE.compareAndSet(this, IN_TASK, SUBMITTING);
    }

    void endSubmit() {
        STATE.setRelease(this, IN_TASK);
    }

    /** Takes the P away from the task this carrier runs; false if it is not inside a task. */
    boolean takeP() {
        return STATE.compareAndSet(this, IN_TASK, LOST);
    }

    /** This carrier got a P again inside a task ({@code GoScheduler.blocking} returning). */
    void regainP() {
        STATE.setRelease(this, IN_TASK);
    }

    int state() {
        return state;
    }
}

package dev.weft.scheduler;

import java.util.concurrent.locks.LockSupport;

/**
 * An M: a platform thread that carries virtual threads while it holds a {@link Processor}.
 * Its loop is Go's {@code schedule}: find a runnable task, run it, repeat; with nothing to do it
 * gives its P back and parks on the idle carrier list until {@link CarrierScheduler#startm}
 * hands it a P.
 *
 * <p>Who writes what:
 * <ul>
 *   <li>{@code p}: only this carrier (it acquires from {@code nextp} and releases under the lock).</li>
 *   <li>{@code nextp}: written by {@code startm} (under the lock) after {@code spinning}; the
 *       volatile write publishes both; cleared by this carrier when it takes the P.</li>
 *   <li>{@code nextIdle}: under the scheduler lock.</li>
 *   <li>{@code current}, {@code inheritTime}: only this carrier.</li>
 * </ul>
 */
final class Carrier extends Thread {
    final CarrierScheduler sched;

    Processor p;
    volatile Processor nextp;
    boolean spinning;
    Carrier nextIdle;

    /** The task being run: a task that resubmits itself (Thread.yield) is recognised by it. */
    Runnable current;
    /** Whether the task just found came from runnext and inherits the time slice. */
    boolean inheritTime;

    Carrier(CarrierScheduler sched, String name, Processor p, boolean spinning) {
        super(null, null, name, 0, false);
        this.sched = sched;
        this.nextp = p;
        this.spinning = spinning;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            if (!acquireNextp()) {
                return;
            }
            for (;;) {
                Runnable task = sched.findRunnable(this);
                if (task == null) {
                    return; // the scheduler terminated
                }
                if (spinning) {
                    sched.resetSpinning(this);
                }
                if (!inheritTime) {
                    p.schedtick++;
                    p.sliceStart = Processor.NO_SLICE;
                }
                sched.runTask(this, task);
            }
        } finally {
            sched.carrierExited(this);
        }
    }

    /** Takes the P that startm handed over; false when the scheduler terminated instead. */
    boolean acquireNextp() {
        for (;;) {
            Processor np = nextp;
            if (np != null) {
                nextp = null;
                p = np;
                return true;
            }
            if (sched.isTerminated()) {
                return false;
            }
            Thread.interrupted(); // a stray interrupt must not turn park into a spin
            LockSupport.park(sched);
        }
    }
}

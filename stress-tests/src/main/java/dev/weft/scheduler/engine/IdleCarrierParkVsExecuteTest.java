package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Invariant: no lost wake-up between an idle carrier parking and a new {@code execute}: the
 * task runs. A foreign thread executes a task on a shared 1-P scheduler, waits until it ran,
 * and at once executes the next: each submission lands while the carrier that ran the previous
 * one is going idle (spinning, giving its P back, parking). Four hand-offs per sample; the
 * actor terminates only if every task ran (STALE = a task stayed queued with the carrier
 * parked).
 *
 * <p>Kept by {@code CarrierScheduler#execute} / {@code #wakep} (the task is visible in
 * {@code GlobalRunQueue} before {@code npidle} and {@code nmspinning} are read) and
 * {@code CarrierScheduler#findRunnable} (the global queue is checked under the lock before the
 * P goes idle; a spinner re-checks every queue after decrementing {@code nmspinning}), with
 * {@code #startm} handing the P to the parked carrier through {@code Carrier#nextp}.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "Every task ran.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "Lost wake-up: a task never ran.")
@State
public class IdleCarrierParkVsExecuteTest {
    static final CarrierScheduler SCHED =
            new CarrierScheduler("jcstress-idle", 1, SysmonSettings.defaults(), null); // sysmon not started

    @Actor
    public void submitter() {
        for (int k = 0; k < 4; k++) {
            StressSupport.CountingTask task = new StressSupport.CountingTask(null);
            SCHED.execute(task);
            for (int i = 0; task.runs.get() == 0; i++) {
                StressSupport.pause(i);
            }
        }
    }

    @Signal
    public void signal() {
        // nothing to signal: the actor ends by itself unless a wake-up was lost
    }
}

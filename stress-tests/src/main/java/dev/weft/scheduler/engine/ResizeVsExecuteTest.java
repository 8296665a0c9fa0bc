package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: {@code resize} racing with {@code execute}: no task is lost when the P it was
 * queued on is removed, and every task runs exactly once. One actor flips a shared scheduler
 * between 1 and 2 Ps; the other executes A from a foreign thread, and A executes C from its
 * carrier (into the {@code runnext} of a P the resize may be removing).
 *
 * <p>Kept by {@code CarrierScheduler#resize} (a removed idle P is killed and its queue moved to
 * the global queue by {@code #killp}; a removed running P's queue is moved by
 * {@code LocalRunQueue#drainTo} as a thief would), {@code CarrierScheduler#retire} (the carrier
 * of a removed P kills it, moving what it queued since, at its next schedule point) and
 * {@code #wakep} after tasks reach the global queue.
 *
 * <p>r1, r2: how many times A and C ran (the arbiter waits up to 10 s; 0 = lost); r3: 1 if
 * gomaxprocs is 1 or 2 afterwards.
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "Both tasks ran once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task was lost (did not run within 10 s) or ran twice.")
@State
public class ResizeVsExecuteTest {
    static final CarrierScheduler SCHED =
            new CarrierScheduler("jcstress-resize", 2, SysmonSettings.defaults(), null); // sysmon not started

    final StressSupport.CountingTask c = new StressSupport.CountingTask(null);
    final StressSupport.CountingTask a = new StressSupport.CountingTask(() -> SCHED.execute(c));

    @Actor
    public void resizer() {
        SCHED.resize(SCHED.gomaxprocs() == 1 ? 2 : 1, ResizeEvent.API);
    }

    @Actor
    public void submitter() {
        SCHED.execute(a);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        StressSupport.await(() -> a.runs.get() > 0 && c.runs.get() > 0);
        r.r1 = a.runs.get();
        r.r2 = c.runs.get();
        int procs = SCHED.gomaxprocs();
        r.r3 = procs == 1 || procs == 2 ? 1 : 0;
    }
}

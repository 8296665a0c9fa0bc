package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: a task submitted to the JDK default's face (weft's agent) while its engine is being
 * bound is never stranded in the face's early queue, and runs exactly once. A task queued before the
 * race (B) and a submitter racing with {@code bind} (A): each task either goes straight to the engine (the submitter saw it bound) or
 * to the early queue, and then either the submitter (seeing the engine after its add) or
 * {@code bind}'s drain (which follows its write of the engine) hands it on.
 *
 * <p>Kept by {@code JdkScheduler#executeEarly} (add, then read {@code sched}) and
 * {@code JdkScheduler#bind} (write {@code sched}, then drain): a Dekker handshake over a
 * sequentially consistent queue and a volatile field.
 *
 * <p>r1, r2: how many times the two tasks ran (the arbiter waits up to 10 s; 0 = lost).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "Both tasks ran once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task was stranded in the early queue, or ran twice.")
@State
public class JdkDefaultEarlyExecuteVsBindTest {
    static final CarrierScheduler SCHED =
            new CarrierScheduler("jcstress-jdk-default", 2, SysmonSettings.defaults(), null); // sysmon not started

    final JdkScheduler face = new JdkScheduler(() -> {}); // the engine is bound by the actor below
    final StressSupport.CountingTask a = new StressSupport.CountingTask(null);
    final StressSupport.CountingTask b = new StressSupport.CountingTask(null);

    {
        face.execute(b); // before any bind: in the early queue when the race starts
    }

    @Actor
    public void submitA() {
        face.execute(a);
    }

    @Actor
    public void bind() {
        face.bind(SCHED);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        StressSupport.await(() -> a.runs.get() > 0 && b.runs.get() > 0);
        r.r1 = a.runs.get();
        r.r2 = b.runs.get();
    }
}

package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: {@code execute} from a carrier and from foreign threads at once: every task runs,
 * exactly once, and none is lost with the carriers parked. Two foreign threads (the actors)
 * execute A and B on a shared 2-P scheduler; B, on a carrier, waits until the other actor is
 * submitting and executes C from the carrier (into its P's {@code runnext}) at the same moment.
 * The carriers go idle between samples, so submissions also race with carriers parking.
 *
 * <p>Kept by {@code CarrierScheduler#execute} (foreign thread: {@code GlobalRunQueue#put};
 * carrier: {@code LocalRunQueue#put} as {@code runnext}; then {@code #wakep}) and the spinning
 * protocol of {@code CarrierScheduler#findRunnable} / {@code #stopm}: a carrier that stops
 * spinning re-checks every queue ({@code #workAnywhere}) after decrementing {@code nmspinning}.
 *
 * <p>r1, r2, r3: how many times A, B, C ran (the arbiter waits up to 10 s for each; 0 = lost).
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "Every task ran once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task was lost (did not run within 10 s) or ran twice.")
@State
public class ExecuteCarrierAndForeignTest {
    static final CarrierScheduler SCHED =
            new CarrierScheduler("jcstress-execute", 2, SysmonSettings.defaults(), null); // sysmon not started

    volatile boolean foreignSubmitting;
    final StressSupport.CountingTask a = new StressSupport.CountingTask(null);
    final StressSupport.CountingTask c = new StressSupport.CountingTask(null);
    final StressSupport.CountingTask b = new StressSupport.CountingTask(() -> {
        for (int i = 0; !foreignSubmitting; i++) {
            StressSupport.pause(i);
        }
        SCHED.execute(c); // from the carrier: runnext of its P
    });

    @Actor
    public void foreign() {
        foreignSubmitting = true;
        SCHED.execute(a);
    }

    @Actor
    public void viaCarrier() {
        SCHED.execute(b);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        StressSupport.await(() -> a.runs.get() > 0 && b.runs.get() > 0 && c.runs.get() > 0);
        r.r1 = a.runs.get();
        r.r2 = b.runs.get();
        r.r3 = c.runs.get();
    }
}

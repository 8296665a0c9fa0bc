package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a task queuing onto its own P ({@code execute} on its carrier) never does so after
 * sysmon handed that P on. The task brackets the put with {@code beginSubmit}
 * (IN_TASK → SUBMITTING) and {@code endSubmit}; sysmon's {@code takeP} (IN_TASK → LOST) can
 * only succeed before the bracket (the task then queues globally) or after it.
 *
 * <p>r1: 1 if the task queued locally and the state stayed SUBMITTING throughout, 2 if it
 * changed under the put (forbidden), 0 if the task saw the P gone; r2: 1 if sysmon took the P;
 * r3: the final state.
 */
@JCStressTest
@Outcome(id = "1, 0, " + Carrier.IN_TASK, expect = Expect.ACCEPTABLE, desc = "sysmon came during the put and failed.")
@Outcome(id = "1, 1, " + Carrier.LOST, expect = Expect.ACCEPTABLE, desc = "sysmon took the P after the put.")
@Outcome(
        id = "0, 1, " + Carrier.LOST,
        expect = Expect.ACCEPTABLE,
        desc = "sysmon took the P first: the task queues globally.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The P changed hands during a local put, or nobody acted.")
@State
public class CarrierTakeVsSubmitTest {
    final Carrier carrier = new Carrier(null, "jcstress-carrier", null, false); // never started

    public CarrierTakeVsSubmitTest() {
        carrier.beginTask();
    }

    @Actor
    public void task(III_Result r) {
        if (carrier.beginSubmit()) {
            r.r1 = carrier.state() == Carrier.SUBMITTING ? 1 : 2; // the local put happens here
            carrier.endSubmit();
        } else {
            r.r1 = 0;
        }
    }

    @Actor
    public void sysmon(III_Result r) {
        r.r2 = carrier.takeP() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = carrier.state();
    }
}

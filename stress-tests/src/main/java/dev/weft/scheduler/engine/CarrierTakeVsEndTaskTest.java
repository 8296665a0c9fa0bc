package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a P is never held by two carriers. sysmon takes the P of a carrier it thinks is
 * blocked ({@code takeP}: IN_TASK → LOST) just as the carrier's task ends ({@code endTask}:
 * IN_TASK → FREE): exactly one wins. If the carrier wins it keeps its P and sysmon hands
 * nothing on; if sysmon wins the carrier lets the P go without touching it again.
 *
 * <p>Kept by {@code Carrier.state}: both are one CAS from IN_TASK.
 *
 * <p>r1: 1 if the carrier kept its P; r2: 1 if sysmon took it; r3: the final state.
 */
@JCStressTest
@Outcome(
        id = "1, 0, " + Carrier.FREE,
        expect = Expect.ACCEPTABLE,
        desc = "The task ended first: the carrier keeps its P.")
@Outcome(
        id = "0, 1, " + Carrier.LOST,
        expect = Expect.ACCEPTABLE,
        desc = "sysmon took the P first: the carrier lets it go.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither own the P.")
@State
public class CarrierTakeVsEndTaskTest {
    final Carrier carrier = new Carrier(null, "jcstress-carrier", null, false); // never started

    public CarrierTakeVsEndTaskTest() {
        carrier.beginTask();
    }

    @Actor
    public void carrier(III_Result r) {
        r.r1 = carrier.endTask() ? 1 : 0;
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

package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: an interrupt racing with a blocked select is exactly-once: either a case committed
 * (a trySend handed it the value; select returns normally) or select throws
 * {@link InterruptedException} having committed nothing (the trySend fails); no value is lost
 * and no node of the select is left in any queue. The other actor interrupts the select, then
 * at once trySends on {@code a}: the woken select's cancel races with the trySend's claim.
 *
 * <p>Kept by {@code Select#selectgo} and the claim protocol: the select's nodes share one owner
 * {@code Waiter}; the sender's {@code Waiter#claim} and the select's {@code Waiter#cancel} race
 * on one CAS; pass 3 unlinks every node whatever the result.
 *
 * <p>r1: the select's result, 0 if it threw InterruptedException; r2: 1 if trySend on
 * {@code a} succeeded; r3: 1 if a waiter is left on {@code a} or {@code b}.
 */
@JCStressTest
@Outcome(
        id = "1, 1, 0",
        expect = Expect.ACCEPTABLE,
        desc = "Committed: the sender claimed the select before its cancel.")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "Interrupted first: nothing committed.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Value lost or duplicated, or a node left behind.")
@State
public class InterruptBlockedSelectTest {
    final Chan<Integer> a = Chan.unbuffered();
    final Chan<Integer> b = Chan.unbuffered();
    final StressSupport.InterruptHandshake interrupt = new StressSupport.InterruptHandshake();

    @Actor
    public void selecter(III_Result r) {
        interrupt.publish();
        try {
            r.r1 = Select.select(a.onReceive(v -> v), b.onReceive(v -> v + 100));
        } catch (InterruptedException e) {
            r.r1 = 0;
        }
        interrupt.absorb();
    }

    @Actor
    public void interrupterThenSender(III_Result r) {
        interrupt.interruptTarget();
        r.r2 = a.trySend(1) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(a, b);
    }
}

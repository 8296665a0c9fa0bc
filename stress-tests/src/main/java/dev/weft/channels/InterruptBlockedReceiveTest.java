package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: an interrupt racing with a blocked receive on an unbuffered channel is
 * exactly-once: either a trySend handed the value to the receiver (receive returns it) or the
 * receive throws {@link InterruptedException} and the trySend fails; no value is lost and the
 * cancelled receiver leaves no waiter behind. The other actor interrupts the receiver, then at
 * once trySends: the woken receiver's cancel races with the trySend's claim.
 *
 * <p>Kept by the claim protocol of {@code Waiter}: {@code Waiter#claim} by the sender
 * ({@code Chan#chansend} via {@code WaitQueue#dequeueClaimed}) and {@code Waiter#cancel} by the
 * interrupted receiver ({@code Waiter#await}) race on one CAS from WAITING; a receiver that lost
 * its cancel waits for DONE and returns the value; {@code Chan#chanrecv} unlinks a cancelled
 * waiter.
 *
 * <p>r1: the value received, 0 if receive threw InterruptedException; r2: 1 if trySend
 * succeeded; r3: 1 if a waiter is left.
 */
@JCStressTest
@Outcome(
        id = "1, 1, 0",
        expect = Expect.ACCEPTABLE,
        desc = "Received: the sender claimed the receiver before its cancel.")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "Interrupted first: trySend found nobody.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Value lost or duplicated, or a waiter left behind.")
@State
public class InterruptBlockedReceiveTest {
    final Chan<Integer> ch = Chan.unbuffered();
    final StressSupport.InterruptHandshake interrupt = new StressSupport.InterruptHandshake();

    @Actor
    public void receiver(III_Result r) {
        interrupt.publish();
        try {
            r.r1 = ch.receive();
        } catch (InterruptedException e) {
            r.r1 = 0;
        }
        interrupt.absorb();
    }

    @Actor
    public void interrupterThenSender(III_Result r) {
        interrupt.interruptTarget();
        r.r2 = ch.trySend(1) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(ch);
    }
}

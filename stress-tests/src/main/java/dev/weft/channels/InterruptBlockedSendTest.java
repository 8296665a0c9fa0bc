package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: an interrupt racing with a blocked send on an unbuffered channel is exactly-once:
 * either the value was delivered (a tryReceive took it, and send returns normally) or it was
 * not (send throws {@link InterruptedException}, the value is still the caller's). Never both,
 * never neither, and the cancelled sender leaves no waiter behind. The other actor interrupts the
 * sender, then at once polls the channel: the woken sender's cancel races with the poll's claim.
 *
 * <p>Kept by the claim protocol of {@code Waiter}: the receiver's {@code Waiter#claim} and the
 * interrupted sender's {@code Waiter#cancel} are CASes from WAITING, exactly one wins; a sender
 * that lost its cancel waits for DONE ({@code Waiter#await}); a cancelled sender unlinks itself
 * ({@code Chan#chansend}, {@code WaitQueue#unlink}).
 *
 * <p>r1: 1 if send returned, 0 if it threw InterruptedException; r2: what tryReceive got;
 * r3: 1 if a waiter is left.
 */
@JCStressTest
@Outcome(
        id = "1, 1, 0",
        expect = Expect.ACCEPTABLE,
        desc = "Delivered: the receiver claimed the sender before its cancel.")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "Interrupted first: nothing delivered.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Delivered and interrupted, or neither, or a waiter left behind.")
@State
public class InterruptBlockedSendTest {
    final Chan<Integer> ch = Chan.unbuffered();
    final StressSupport.InterruptHandshake interrupt = new StressSupport.InterruptHandshake();

    @Actor
    public void sender(III_Result r) {
        interrupt.publish();
        try {
            ch.send(1);
            r.r1 = 1;
        } catch (InterruptedException e) {
            r.r1 = 0;
        }
        interrupt.absorb();
    }

    @Actor
    public void interrupterThenReceiver(III_Result r) {
        interrupt.interruptTarget();
        r.r2 = StressSupport.poll(ch);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(ch);
    }
}

package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: an unbuffered send is a rendezvous. The value is seen exactly once, by the
 * receiver, and {@code send} returns only after a receiver took it.
 *
 * <p>Kept by {@code Chan#chansend} / {@code Chan#chanrecv}: under the channel lock the side that
 * comes second dequeues the waiting one with {@code WaitQueue#dequeueClaimed} (one CAS,
 * {@code Waiter#claim}), copies the value and publishes it with {@code Waiter#complete}; the
 * waiting side returns only after it sees {@code DONE} ({@code Waiter#await}).
 *
 * <p>r1: 1 if the receiver had entered {@code receive} when {@code send} returned; r2: the value
 * received; r3: 1 if anything is left behind (a value or a waiter).
 */
@JCStressTest
@Outcome(
        id = "1, 42, 0",
        expect = Expect.ACCEPTABLE,
        desc = "Handed off once; send returned after the receiver took it.")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "send returned before any receiver arrived.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Value lost, duplicated or left behind, or a waiter left queued.")
@State
public class UnbufferedHandOffTest {
    final Chan<Integer> ch = Chan.unbuffered();
    volatile boolean receiverEntered;

    @Actor
    public void sender(III_Result r) {
        StressSupport.send(ch, 42);
        r.r1 = receiverEntered ? 1 : 0;
    }

    @Actor
    public void receiver(III_Result r) {
        receiverEntered = true;
        r.r2 = StressSupport.receive(ch);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.poll(ch) != 0 ? 1 : StressSupport.waitersLeft(ch);
    }
}

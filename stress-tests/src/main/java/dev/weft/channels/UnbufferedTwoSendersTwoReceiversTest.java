package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: two senders and two receivers on an unbuffered channel neither lose nor duplicate a
 * value: every value goes from a blocked sender straight to a receiver (or the reverse), and the
 * receivers get {1, 2} between them; nothing is left behind.
 *
 * <p>Kept by {@code Chan#chansend} (hands the value to a queued receiver) and
 * {@code Chan#chanrecv} (takes it from a queued sender), both under the channel lock
 * ({@code Chan#lock}); {@code WaitQueue#dequeueClaimed} claims a waiter at most once
 * ({@code Waiter#claim}) and {@code Waiter#complete} publishes the value before the wake-up.
 *
 * <p>4 actors: jcstress runs this test only on a machine with at least 4 CPUs (it reports
 * "No scheduling is possible" and skips it on fewer).
 *
 * <p>r1, r2: what each receiver got; r3: 1 if a value or a waiter is left behind.
 */
@JCStressTest
@Outcome(
        id = {"1, 2, 0", "2, 1, 0"},
        expect = Expect.ACCEPTABLE,
        desc = "Each value received exactly once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A value lost or duplicated, or something left behind.")
@State
public class UnbufferedTwoSendersTwoReceiversTest {
    final Chan<Integer> ch = Chan.unbuffered();

    @Actor
    public void sender1() {
        StressSupport.send(ch, 1);
    }

    @Actor
    public void sender2() {
        StressSupport.send(ch, 2);
    }

    @Actor
    public void receiver1(III_Result r) {
        r.r1 = StressSupport.receive(ch);
    }

    @Actor
    public void receiver2(III_Result r) {
        r.r2 = StressSupport.receive(ch);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = ch.len() != 0 || StressSupport.poll(ch) != 0 ? 1 : StressSupport.waitersLeft(ch);
    }
}

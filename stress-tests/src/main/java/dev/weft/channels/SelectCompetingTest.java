package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: two selects competing for one value: exactly one wins it. The channel holds one
 * value; both selects have a receive case on it and a default. One receives the value, the
 * other takes the default; the value is never received twice nor lost, and no waiter is left.
 *
 * <p>Kept by {@code Select#selectgo}: pass 1 locks the channels ({@code Chan#lock}) and takes
 * the value with {@code Chan#chanrecvLocked} under the lock, so of two selects only the first finds
 * it; the second finds nothing ready and fires its default without queueing.
 *
 * <p>r1, r2: what each select got (1: the value, 0: default); r3: what is left in the channel,
 * or 9 if a waiter is left.
 */
@JCStressTest
@Outcome(
        id = {"1, 0, 0", "0, 1, 0"},
        expect = Expect.ACCEPTABLE,
        desc = "Exactly one select got the value.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Value received twice or lost, or a waiter left behind.")
@State
public class SelectCompetingTest {
    final Chan<Integer> ch = Chan.buffered(1);

    public SelectCompetingTest() {
        ch.trySend(1);
    }

    @Actor
    public void select1(III_Result r) {
        r.r1 = select();
    }

    @Actor
    public void select2(III_Result r) {
        r.r2 = select();
    }

    private int select() {
        return StressSupport.select(ch.onReceive(v -> v), Select.orDefault(() -> 0));
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(ch) != 0 ? 9 : StressSupport.poll(ch);
    }
}

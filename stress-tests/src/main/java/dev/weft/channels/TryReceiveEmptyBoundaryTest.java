package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: at the empty boundary, two {@code tryReceive}s compete for the last buffered value:
 * exactly one gets it, and the channel is empty afterwards ({@code len() == 0}).
 *
 * <p>Kept by {@code Chan#chanrecv} with {@code block == false}: the {@code count > 0} check and
 * {@code Chan#dequeueBuffer} happen under one hold of the channel lock; with nothing ready it
 * returns null without waiting.
 *
 * <p>r1, r2: what each tryReceive got (0: nothing); r3: {@code len()} afterwards.
 */
@JCStressTest
@Outcome(
        id = {"7, 0, 0", "0, 7, 0"},
        expect = Expect.ACCEPTABLE,
        desc = "Exactly one tryReceive got the value.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The value was taken twice or not at all.")
@State
public class TryReceiveEmptyBoundaryTest {
    final Chan<Integer> ch = Chan.buffered(1);

    public TryReceiveEmptyBoundaryTest() {
        ch.trySend(7);
    }

    @Actor
    public void receiver1(III_Result r) {
        r.r1 = StressSupport.poll(ch);
    }

    @Actor
    public void receiver2(III_Result r) {
        r.r2 = StressSupport.poll(ch);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = ch.len();
    }
}

package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: at the full boundary, two {@code trySend}s compete for the last free slot of a
 * buffer: exactly one succeeds, and the buffer holds exactly the winner's value.
 *
 * <p>Kept by {@code Chan#chansend} with {@code block == false}: the {@code count < capacity}
 * check and {@code Chan#enqueueBuffer} happen under one hold of the channel lock; otherwise it
 * returns false without waiting.
 *
 * <p>r1, r2: 1 if each trySend succeeded; r3: what the buffer holds afterwards.
 */
@JCStressTest
@Outcome(
        id = {"1, 0, 1", "0, 1, 2"},
        expect = Expect.ACCEPTABLE,
        desc = "Exactly one trySend took the slot.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither succeeded, or the buffer disagrees.")
@State
public class TrySendFullBoundaryTest {
    final Chan<Integer> ch = Chan.buffered(1);

    @Actor
    public void sender1(III_Result r) {
        r.r1 = ch.trySend(1) ? 1 : 0;
    }

    @Actor
    public void sender2(III_Result r) {
        r.r2 = ch.trySend(2) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.poll(ch);
        if (StressSupport.poll(ch) != 0) {
            r.r3 = 9; // more than one value buffered in a buffer of one
        }
    }
}

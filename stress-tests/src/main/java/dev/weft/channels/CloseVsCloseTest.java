package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: of two racing {@code close()} calls exactly one succeeds, the other throws
 * {@link ChannelClosedException} ("close of closed channel"); the buffered value survives the
 * close and drains before "closed".
 *
 * <p>Kept by {@code Chan#close}: the {@code closed} check and set happen under the channel lock;
 * close never touches the buffer, and {@code Chan#chanrecv} drains it before reporting closed.
 *
 * <p>r1, r2: 1 if each close succeeded; r3: what the next two receives got, as digits (7 then
 * 0 for closed: 70).
 */
@JCStressTest
@Outcome(
        id = {"1, 0, 70", "0, 1, 70"},
        expect = Expect.ACCEPTABLE,
        desc = "Exactly one close succeeded.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither close succeeded, or the buffered value was lost.")
@State
public class CloseVsCloseTest {
    final Chan<Integer> ch = Chan.buffered(1);

    public CloseVsCloseTest() {
        ch.trySend(7);
    }

    @Actor
    public void closer1(III_Result r) {
        r.r1 = close();
    }

    @Actor
    public void closer2(III_Result r) {
        r.r2 = close();
    }

    private int close() {
        try {
            ch.close();
            return 1;
        } catch (ChannelClosedException e) {
            return 0;
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.receiveOrZero(ch) * 10 + StressSupport.receiveOrZero(ch);
    }
}

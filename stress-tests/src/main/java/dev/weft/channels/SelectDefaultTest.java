package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a select with a default never blocks and never consumes on the default path. A
 * producer's trySend on an empty buffer of one races a select with a receive case and a
 * default: either the select received the value, or it took the default and the value is still
 * in the channel; no waiter is ever queued.
 *
 * <p>Kept by {@code Select#selectgo}: with a default, pass 1 either commits a ready case
 * ({@code Chan#chanrecvLocked} under the channel lock) or, having taken nothing, unlocks and fires
 * the default; it never reaches pass 2 (enqueue and park).
 *
 * <p>r1: the select's result (1: the value, 0: default); r2: the value left in the channel;
 * r3: 1 if a waiter was queued.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "The select received the value.")
@Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "Default taken; the value is still there.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Default consumed or duplicated the value, or the select waited.")
@State
public class SelectDefaultTest {
    final Chan<Integer> ch = Chan.buffered(1);

    @Actor
    public void producer() {
        ch.trySend(1);
    }

    @Actor
    public void select(III_Result r) {
        r.r1 = StressSupport.select(ch.onReceive(v -> v), Select.orDefault(() -> 0));
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = StressSupport.poll(ch);
        r.r3 = StressSupport.waitersLeft(ch);
    }
}

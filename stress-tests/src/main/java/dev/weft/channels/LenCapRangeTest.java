package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Invariant: {@code len()} read without the lock is always in {@code [0, cap()]}, and
 * {@code cap()} never changes, while a sender fills and a receiver drains a buffer of two; at
 * rest {@code len()} is exactly what is buffered.
 *
 * <p>Kept by {@code Chan}: {@code count} changes only under the channel lock, by one, in
 * {@code Chan#enqueueBuffer} (only when {@code count < capacity}) and {@code Chan#dequeueBuffer}
 * (only when {@code count > 0}); it is volatile, so {@code Chan#len} reads a value that was
 * actually written.
 *
 * <p>r1: {@code len()} read by the sender between its sends; r2: {@code len()} read by the
 * receiver between its receives; r3: {@code cap()}; r4: 1 if, at rest, {@code len()} equals the
 * number of values left.
 */
@JCStressTest
@Outcome(id = "[0-2], [0-2], 2, 1", expect = Expect.ACCEPTABLE, desc = "len within [0, cap].")
@Outcome(expect = Expect.FORBIDDEN, desc = "len out of range, cap changed, or len wrong at rest.")
@State
public class LenCapRangeTest {
    final Chan<Integer> ch = Chan.buffered(2);

    @Actor
    public void sender(IIII_Result r) {
        ch.trySend(1);
        ch.trySend(2);
        r.r1 = ch.len();
        ch.trySend(3);
        r.r3 = ch.cap();
    }

    @Actor
    public void receiver(IIII_Result r) {
        ch.tryReceive();
        r.r2 = ch.len();
        ch.tryReceive();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        int len = ch.len();
        int left = 0;
        while (ch.tryReceive() != null) {
            left++;
        }
        r.r4 = len == left ? 1 : 0;
    }
}

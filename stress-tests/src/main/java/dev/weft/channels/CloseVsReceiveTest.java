package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Invariant: a receive racing with close gets a value or "closed", and buffered values are
 * drained first. The channel (capacity 2) holds 1; one actor sends 2 (trySend) and closes; the
 * other receives three times, blocking when the buffer is empty. Wherever the close falls, the
 * receiver gets 1, then 2 (buffered, or handed straight to it while it waited), then "closed".
 *
 * <p>Kept by {@code Chan#chanrecv}: a buffered value (or a queued sender) is taken before
 * {@code closed} is looked at; a receiver is queued only while the buffer is empty, and
 * {@code Chan#close} completes queued receivers with "closed"; {@code Chan#chansend} hands a
 * value to a queued receiver before it buffers.
 *
 * <p>r1, r2, r3: the three receives (0 for closed); r4: 1 if anything is left (value or waiter).
 */
@JCStressTest
@Outcome(id = "1, 2, 0, 0", expect = Expect.ACCEPTABLE, desc = "Both values drained, then closed.")
@Outcome(
        expect = Expect.FORBIDDEN,
        desc = "Closed reported before draining, a value lost or reordered, or a waiter left.")
@State
public class CloseVsReceiveTest {
    final Chan<Integer> ch = Chan.buffered(2);

    public CloseVsReceiveTest() {
        ch.trySend(1);
    }

    @Actor
    public void receiver(IIII_Result r) {
        r.r1 = StressSupport.receiveOrZero(ch);
        r.r2 = StressSupport.receiveOrZero(ch);
        r.r3 = StressSupport.receiveOrZero(ch);
    }

    @Actor
    public void senderThenCloser() {
        ch.trySend(2);
        ch.close();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r4 = StressSupport.poll(ch) != -1 ? 1 : StressSupport.waitersLeft(ch);
    }
}

package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Invariant: {@code trySend} and {@code tryReceive} at both boundaries at once. On a full
 * buffer of one, {@code tryReceive} always gets the buffered value and {@code trySend} succeeds
 * only if it came after that receive (then its value is buffered). On an unbuffered channel
 * nobody waits, so a {@code trySend} and a {@code tryReceive} never meet: both fail.
 *
 * <p>Kept by {@code Chan#chansend} / {@code Chan#chanrecv} with {@code block == false}: they
 * never enqueue a waiter, so they can only meet a blocked counterpart ({@code recvq} /
 * {@code sendq}) or the buffer, checked under the channel lock.
 *
 * <p>Full buffer: r1 = the value tryReceive got, r2 = 1 if trySend succeeded, r3 = the value
 * left buffered. Unbuffered: r4 = 1 if either trySend or tryReceive succeeded.
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 0", expect = Expect.ACCEPTABLE, desc = "tryReceive first, then trySend filled the slot again.")
@Outcome(id = "1, 0, 0, 0", expect = Expect.ACCEPTABLE, desc = "trySend first, found the buffer full.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A value lost or duplicated, or a non-blocking op met a non-blocking op.")
@State
public class TrySendTryReceiveTest {
    final Chan<Integer> full = Chan.buffered(1);
    final Chan<Integer> unbuffered = Chan.unbuffered();
    volatile boolean met;

    public TrySendTryReceiveTest() {
        full.trySend(1);
    }

    @Actor
    public void receiver(IIII_Result r) {
        r.r1 = StressSupport.poll(full);
        if (unbuffered.tryReceive() != null) {
            met = true;
        }
    }

    @Actor
    public void sender(IIII_Result r) {
        r.r2 = full.trySend(2) ? 1 : 0;
        if (unbuffered.trySend(3)) {
            met = true;
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = StressSupport.poll(full);
        r.r4 = met ? 1 : 0;
    }
}

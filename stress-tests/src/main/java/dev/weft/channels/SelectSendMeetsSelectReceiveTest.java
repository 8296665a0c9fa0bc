package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a select sending and a select receiving on the same unbuffered channel meet, and
 * they commit matching cases. Select A receives on {@code x} or sends 9 on {@code y}; select B
 * sends 1 on {@code x} or receives on {@code y}. They meet on exactly one channel: A got 1 and
 * B sent on x, or A sent 9 and B got it on y; the losing cases leave no waiter behind.
 *
 * <p>Kept by {@code Select#selectgo}: whichever select comes second finds the other's node in
 * pass 1 ({@code recvq} / {@code sendq} {@code WaitQueue#dequeueClaimed}) and claims the other
 * select's shared owner with one CAS ({@code Waiter#claim}), so each select commits exactly one
 * case and they can't both queue and wait forever; pass 3 unlinks the losing nodes.
 *
 * <p>r1: A's result (1: received 1 on x, 0: sent on y); r2: B's result (0: sent on x,
 * 9: received 9 on y); r3: 1 if a waiter is left.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "Met on x.")
@Outcome(id = "0, 9, 0", expect = Expect.ACCEPTABLE, desc = "Met on y.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Mismatched commits (a value lost or invented), or a waiter left behind.")
@State
public class SelectSendMeetsSelectReceiveTest {
    final Chan<Integer> x = Chan.unbuffered();
    final Chan<Integer> y = Chan.unbuffered();

    @Actor
    public void selectA(III_Result r) {
        r.r1 = StressSupport.select(x.onReceive(v -> v), y.onSend(9, () -> 0));
    }

    @Actor
    public void selectB(III_Result r) {
        r.r2 = StressSupport.select(x.onSend(1, () -> 0), y.onReceive(v -> v));
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(x, y);
    }
}

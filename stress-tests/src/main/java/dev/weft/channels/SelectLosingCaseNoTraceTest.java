package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Invariant: a losing select case leaves no trace. A select waits on {@code a} and {@code b}
 * (buffers of one); a producer trySends 1 on {@code a}, then 2 on {@code b}. The select commits
 * exactly one case; the other value stays in its channel (the losing case did not take it), and
 * no node of the select is left in either queue.
 *
 * <p>Kept by {@code Select#selectgo} and the claim protocol: the first send to
 * {@code Waiter#claim} the select's shared owner hands its value over ({@code Chan#chansend} to
 * a queued receiver); a later one finds the owner claimed, drops the stale node in
 * {@code WaitQueue#dequeueClaimed} and buffers its value; pass 3 unlinks the losing node under
 * its channel's lock.
 *
 * <p>r1: the select's result; r2, r3: what is left in {@code a} and {@code b}; r4: 1 if a waiter
 * is left.
 */
@JCStressTest
@Outcome(id = "1, 0, 2, 0", expect = Expect.ACCEPTABLE, desc = "The case on a won; 2 is untouched in b.")
@Outcome(
        id = "2, 1, 0, 0",
        expect = Expect.ACCEPTABLE,
        desc = "The case on b won (both were ready); 1 is untouched in a.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The losing case took its value, a value was lost, or a waiter was left.")
@State
public class SelectLosingCaseNoTraceTest {
    final Chan<Integer> a = Chan.buffered(1);
    final Chan<Integer> b = Chan.buffered(1);

    @Actor
    public void select(IIII_Result r) {
        r.r1 = StressSupport.select(a.onReceive(v -> v), b.onReceive(v -> v));
    }

    @Actor
    public void producer() {
        a.trySend(1);
        b.trySend(2);
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r2 = StressSupport.poll(a);
        r.r3 = StressSupport.poll(b);
        r.r4 = StressSupport.waitersLeft(a, b);
    }
}

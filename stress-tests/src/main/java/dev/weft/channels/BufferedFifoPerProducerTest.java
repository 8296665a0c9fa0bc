package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a buffered channel is FIFO per producer. Producer A sends 1, 2, 3; producer B sends
 * 4 and 5 and, in between, polls the channel as a consumer. Every value is received exactly
 * once (by B's polls or, afterwards, by the arbiter's drain), A's in the order 1, 2, 3 and B's
 * in the order 4, 5.
 *
 * <p>Kept by the ring buffer of {@code Chan}: {@code Chan#enqueueBuffer} writes at
 * {@code recvx + count}, {@code Chan#dequeueBuffer} reads at {@code recvx}, both under the
 * channel lock.
 *
 * <p>r1: the values B's polls got, in order, as digits (0: none); r2: what the arbiter drained
 * afterwards, as digits; r3: 1 if the whole sequence (r1 then r2) is a per-producer FIFO
 * permutation of 1..5.
 */
@JCStressTest
@Outcome(id = ".*, .*, 1", expect = Expect.ACCEPTABLE, desc = "All five values once, each producer's in order.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A value lost, duplicated or reordered within its producer.")
@State
public class BufferedFifoPerProducerTest {
    final Chan<Integer> ch = Chan.buffered(5);

    @Actor
    public void producerA() {
        StressSupport.send(ch, 1);
        StressSupport.send(ch, 2);
        StressSupport.send(ch, 3);
    }

    @Actor
    public void producerAndConsumerB(III_Result r) {
        int seq = 0;
        StressSupport.send(ch, 4);
        seq = append(seq, ch.tryReceive());
        StressSupport.send(ch, 5);
        seq = append(seq, ch.tryReceive());
        seq = append(seq, ch.tryReceive());
        r.r1 = seq;
    }

    private static int append(int seq, Integer v) {
        return v == null ? seq : seq * 10 + v;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        int seq = 0;
        for (Integer v; (v = ch.tryReceive()) != null; ) {
            seq = append(seq, v);
        }
        r.r2 = seq;
        String all = (r.r1 == 0 ? "" : Integer.toString(r.r1)) + (seq == 0 ? "" : Integer.toString(seq));
        boolean ok = all.length() == 5 && ordered(all, '1', '2') && ordered(all, '2', '3') && ordered(all, '4', '5');
        r.r3 = ok && ch.len() == 0 ? 1 : 0;
    }

    private static boolean ordered(String s, char first, char then) {
        int i = s.indexOf(first);
        return i >= 0 && s.indexOf(then) > i;
    }
}

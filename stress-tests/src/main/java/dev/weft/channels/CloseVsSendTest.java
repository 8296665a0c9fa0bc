package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: a send racing with close on a buffered channel with room is either delivered
 * (buffered before the close, and a receiver drains it after) or fails with
 * {@link ChannelClosedException}: never both, never neither.
 *
 * <p>Kept by {@code Chan#chansend} (checks {@code closed} and buffers under the lock) and
 * {@code Chan#close} (sets {@code closed} under the same lock); {@code Chan#chanrecv} drains the
 * buffer before it reports closed.
 *
 * <p>r1: 1 if send returned, 0 if it threw ChannelClosedException; r2: what a receive after
 * the close gets (-1: closed and drained).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "Sent before the close; drained after it.")
@Outcome(id = "0, -1", expect = Expect.ACCEPTABLE, desc = "Closed first; the send failed.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Sent but lost, or failed but delivered.")
@State
public class CloseVsSendTest {
    final Chan<Integer> ch = Chan.buffered(1);

    @Actor
    public void sender(II_Result r) {
        try {
            StressSupport.send(ch, 1);
            r.r1 = 1;
        } catch (ChannelClosedException e) {
            r.r1 = 0;
        }
    }

    @Actor
    public void closer() {
        ch.close();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = StressSupport.poll(ch);
        if (r.r2 > 0 && StressSupport.poll(ch) != -1) {
            r.r2 = 9; // not closed after the drain
        }
    }
}

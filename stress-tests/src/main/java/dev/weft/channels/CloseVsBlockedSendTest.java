package dev.weft.channels;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: close racing with a blocked send on an unbuffered channel: the value is delivered
 * (a receiver took it, and send returns) or the send fails with
 * {@link ChannelClosedException}: never both, never neither, and no waiter is left. The other
 * actor polls once with tryReceive, then closes.
 *
 * <p>Kept by {@code Chan#close}: under the lock it sets {@code closed} and completes every
 * queued waiter with the outcome {@code CLOSED} ({@code WaitQueue#dequeueClaimed},
 * {@code Waiter#complete}); a sender already claimed by the receiver can't be claimed again;
 * {@code Chan#chansend} turns a CLOSED outcome into the exception and checks {@code closed}
 * before it queues.
 *
 * <p>r1: 1 if send returned, 0 if it threw ChannelClosedException; r2: what tryReceive got;
 * r3: 1 if a waiter is left.
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "The receiver took the value before the close.")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "Nobody took it; the close failed the send.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Value lost, or delivered by a failed send, or a waiter left behind.")
@State
public class CloseVsBlockedSendTest {
    final Chan<Integer> ch = Chan.unbuffered();

    @Actor
    public void sender(III_Result r) {
        try {
            StressSupport.send(ch, 1);
            r.r1 = 1;
        } catch (ChannelClosedException e) {
            r.r1 = 0;
        }
    }

    @Actor
    public void receiverThenCloser(III_Result r) {
        r.r2 = StressSupport.poll(ch);
        ch.close();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(ch);
    }
}

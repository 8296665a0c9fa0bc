package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.Deadlocks;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a deadlock declared ({@code -Dweft.deadlock=fail}) on a blocked send that a receiver
 * is completing at the same moment is exactly-once, as an interrupt is: either the value was
 * delivered (send returns normally, the declaration is dropped) or it was not (send throws
 * {@link DeadlockException}, the value is still the caller's). Never both, never neither, and
 * no waiter is left behind. The other actor waits until the sender is parked on its waiter,
 * declares the deadlock, then at once polls the channel.
 *
 * <p>Kept by the claim protocol of {@code Waiter} (the receiver's claim and the declared
 * sender's cancel are CASes from WAITING) and by {@code Deadlocks.take(thread, blocker)}, which
 * hands the exception only to the park it was declared for.
 *
 * <p>r1: 1 if send returned, 0 if it threw DeadlockException; r2: what tryReceive got;
 * r3: 1 if a waiter is left.
 */
@JCStressTest
@Outcome(
        id = "1, 1, 0",
        expect = Expect.ACCEPTABLE,
        desc = "Delivered: the receiver claimed the sender before it withdrew.")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "Declared first: the send failed, nothing delivered.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Delivered and failed, or neither, or a waiter left behind.")
@State
public class DeadlockDeclaredBlockedSendTest {
    final Chan<Integer> ch = Chan.unbuffered();
    volatile Thread sender;

    @Actor
    public void sender(III_Result r) {
        sender = Thread.currentThread();
        try {
            ch.send(1);
            r.r1 = 1;
        } catch (InterruptedException e) {
            r.r1 = 2;
        } catch (DeadlockException e) {
            r.r1 = 0;
        }
    }

    @Actor
    public void detectorThenReceiver(III_Result r) {
        Thread t;
        for (int i = 0; (t = sender) == null || !(LockSupport.getBlocker(t) instanceof Waiter); i++) {
            StressSupport.pause(i); // until it is parking on its waiter: what sysmon would see
        }
        Deadlocks.declare(t, new DeadlockException("jcstress"));
        r.r2 = StressSupport.poll(ch);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = StressSupport.waitersLeft(ch);
    }
}

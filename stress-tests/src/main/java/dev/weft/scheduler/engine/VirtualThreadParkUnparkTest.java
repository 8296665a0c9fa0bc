package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: two virtual threads on a GoScheduler racing park and unpark: no lost unpark. V1
 * parks until a flag is set; V2 sets the flag and unparks V1. Both are started at once from two
 * foreign threads on a shared 2-P scheduler, so V2's unpark races with V1 parking, and the
 * re-submission of V1 (by V2's carrier, into its P's {@code runnext}) races with the carriers'
 * own scheduling. V1 must terminate.
 *
 * <p>Kept by the JDK's {@code VirtualThread} park/unpark state machine (the park permit) and by
 * weft's {@code CarrierScheduler#execute}: a continuation submitted by the unpark is queued on
 * the waker's P ({@code LocalRunQueue#put} as {@code runnext}) or the global queue and a carrier
 * is woken ({@code #wakep}); {@code CarrierScheduler#findRunnable} never parks a carrier while a
 * queue it must check holds it.
 *
 * <p>r1, r2: 1 if V1 and V2 terminated (the arbiter waits up to 10 s each).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "The unpark was not lost.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Lost unpark: V1 (or V2) never finished.")
@State
public class VirtualThreadParkUnparkTest {
    static final GoScheduler SCHEDULER = GoScheduler.create(2);
    static final Duration LOST_AFTER = Duration.ofSeconds(10);

    final Thread v1;
    final Thread v2;

    public VirtualThreadParkUnparkTest() {
        Thread.Builder.OfVirtual builder = SCHEDULER.virtualThreadBuilder();
        Flag flag = new Flag();
        Thread parker = builder.unstarted(() -> {
            while (!flag.set) {
                LockSupport.park(flag);
            }
        });
        v1 = parker;
        v2 = builder.unstarted(() -> {
            flag.set = true;
            LockSupport.unpark(parker);
        });
    }

    static final class Flag {
        volatile boolean set;
    }

    @Actor
    public void startParker() {
        v1.start();
    }

    @Actor
    public void startUnparker() {
        v2.start();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = joined(v1);
        r.r2 = joined(v2);
    }

    private static int joined(Thread t) {
        try {
            return t.join(LOST_AFTER) ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

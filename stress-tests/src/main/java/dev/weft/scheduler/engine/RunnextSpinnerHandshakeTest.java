package dev.weft.scheduler.engine;

import static dev.weft.scheduler.engine.StressSupport.MARKERS;
import static dev.weft.scheduler.engine.StressSupport.NO_OVERFLOW;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: no lost wake-up between a carrier that readies a task into its P's
 * {@code runnext} and the last spinning carrier. The submitter (a carrier, the queue's owner)
 * puts the task as {@code runnext} (kicking the previous one to the ring), then reads
 * {@code nmspinning}; the spinner decrements {@code nmspinning}, then re-checks that P's queue
 * before parking. Never "submitter saw a spinner" together with "spinner saw the queue empty".
 *
 * <p>Kept by {@code LocalRunQueue#put} with {@code next == true}: {@code runnext} is swapped by a
 * sequentially consistent getAndSet before anything else is read, and
 * {@code LocalRunQueue#isEmpty} reads {@code runnext}; used as {@code CarrierScheduler#execute}
 * then {@code #wakep} against {@code CarrierScheduler#findRunnable}'s {@code stopSpinning} (a decrement) then
 * {@code #workAnywhere}. An {@code AtomicInteger} stands for {@code CarrierScheduler.nmspinning}.
 *
 * <p>r1: {@code nmspinning} as the submitter read it; r2: 1 if the spinner's re-check saw work.
 */
@JCStressTest
@Outcome(
        id = "1, 1",
        expect = Expect.ACCEPTABLE,
        desc = "Submitter relied on the spinner; the re-check found the task.")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "Both saw each other.")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "Spinner gone: the submitter wakes a carrier.")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "Lost wake-up: nobody wakes, nobody finds the task.")
@State
public class RunnextSpinnerHandshakeTest {
    final LocalRunQueue runq = new LocalRunQueue();
    final AtomicInteger nmspinning = new AtomicInteger(1);

    @Actor
    public void submitter(II_Result r) {
        runq.put(MARKERS[1], true, NO_OVERFLOW);
        r.r1 = nmspinning.get();
    }

    @Actor
    public void spinner(II_Result r) {
        nmspinning.decrementAndGet();
        r.r2 = runq.isEmpty() ? 0 : 1;
    }
}

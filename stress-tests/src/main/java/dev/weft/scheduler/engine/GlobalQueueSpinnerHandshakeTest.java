package dev.weft.scheduler.engine;

import static dev.weft.scheduler.engine.StressSupport.MARKERS;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: no lost wake-up between a submitter to the global queue and the last spinning
 * carrier (the Dekker handshake of Go's spinning protocol). The submitter links its task into
 * the {@link GlobalRunQueue}, then reads {@code nmspinning} to decide whether to wake a carrier;
 * the spinner decrements {@code nmspinning}, then re-checks the queue before parking. At least
 * one of them must see the other: never "submitter saw a spinner (so woke nobody)" together
 * with "spinner saw an empty queue (so parked)".
 *
 * <p>Kept by {@code GlobalRunQueue#put} (link, then {@code size.incrementAndGet()}, a
 * sequentially consistent RMW) and {@code GlobalRunQueue#isEmpty} (reads {@code size}), used
 * as {@code CarrierScheduler#execute} then {@code #wakep}, against
 * {@code CarrierScheduler#findRunnable}'s {@code stopSpinning} (a {@code decrementAndGet}) then
 * {@code #workAnywhere}. The test runs that exact sequence on the real {@code GlobalRunQueue},
 * with an {@code AtomicInteger} standing for {@code CarrierScheduler.nmspinning}.
 *
 * <p>r1: {@code nmspinning} as the submitter read it; r2: 1 if the spinner's re-check saw work.
 */
@JCStressTest
@Outcome(
        id = "1, 1",
        expect = Expect.ACCEPTABLE,
        desc = "Submitter relied on the spinner; the spinner's re-check found the task.")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "Both saw each other.")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "Spinner gone: the submitter wakes a carrier.")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "Lost wake-up: nobody wakes, nobody finds the task.")
@State
public class GlobalQueueSpinnerHandshakeTest {
    final GlobalRunQueue runq = new GlobalRunQueue();
    final AtomicInteger nmspinning = new AtomicInteger(1);

    @Actor
    public void submitter(II_Result r) {
        runq.put(MARKERS[1]);
        r.r1 = nmspinning.get();
    }

    @Actor
    public void spinner(II_Result r) {
        nmspinning.decrementAndGet();
        r.r2 = runq.isEmpty() ? 0 : 1;
    }
}

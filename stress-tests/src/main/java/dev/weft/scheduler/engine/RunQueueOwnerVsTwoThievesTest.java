package dev.weft.scheduler.engine;

import static dev.weft.scheduler.engine.StressSupport.MARKERS;
import static dev.weft.scheduler.engine.StressSupport.NO_OVERFLOW;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a P's local run queue under its owner's push/pop and two thieves at once: each
 * task leaves the queue exactly once, and each steal takes half (rounded up) of what it saw.
 * The queue starts with tasks 1-8; the owner pushes 9 and 10 and pops twice. The queue holds 8
 * to 10 tasks before the first steal (it takes 4 or 5) and 3 to 6 before the second (2 or 3).
 *
 * <p>Kept by {@code LocalRunQueue}: {@code tail} is written by the owner only (release);
 * {@code head} moves only by a successful CAS (owner {@code get}, the production pop; thief {@code grab}), so
 * of two thieves that read the same slots only one claims them; {@code grab} takes
 * {@code n - n/2} of a consistent {@code (head, tail)} pair.
 *
 * <p>3 actors: jcstress runs this test only on a machine with at least 3 CPUs (it reports
 * "No scheduling is possible" and skips it on fewer).
 *
 * <p>r1, r2: how many each thief took; r3: 1 if tasks 1-10 were each seen exactly once.
 */
@JCStressTest
@Outcome(
        id = {"[45], [23], 1", "[23], [45], 1"},
        expect = Expect.ACCEPTABLE,
        desc = "Each task once; each thief took half of what it saw.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task lost or duplicated, or a steal not about half.")
@State
public class RunQueueOwnerVsTwoThievesTest {
    final LocalRunQueue victim = new LocalRunQueue();
    /** Where the owner's pop sends a runnext whose time slice ran out (never in practice: 10 ms). */
    final GlobalRunQueue global = new GlobalRunQueue();

    final LocalRunQueue queue1 = new LocalRunQueue();
    final LocalRunQueue queue2 = new LocalRunQueue();
    Runnable popped1, popped2, stolen1, stolen2;

    public RunQueueOwnerVsTwoThievesTest() {
        for (int i = 1; i <= 8; i++) {
            victim.put(MARKERS[i], false, NO_OVERFLOW);
        }
    }

    @Actor
    public void owner() {
        victim.put(MARKERS[9], false, NO_OVERFLOW);
        victim.put(MARKERS[10], false, NO_OVERFLOW);
        popped1 = victim.get(global);
        popped2 = victim.get(global);
    }

    @Actor
    public void thief1(III_Result r) {
        stolen1 = queue1.stealFrom(victim, false, true);
        r.r1 = (stolen1 == null ? 0 : 1) + queue1.size();
    }

    @Actor
    public void thief2(III_Result r) {
        stolen2 = queue2.stealFrom(victim, false, true);
        r.r2 = (stolen2 == null ? 0 : 1) + queue2.size();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        StressSupport.Tally tally = new StressSupport.Tally();
        tally.add(popped1);
        tally.add(popped2);
        tally.add(stolen1);
        tally.add(stolen2);
        tally.drain(victim);
        tally.drain(global);
        tally.drain(queue1);
        tally.drain(queue2);
        r.r3 = tally.exactlyOnce(10) ? 1 : 0;
    }
}

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
 * Invariant: a P's local run queue under its owner's push/pop and one thief's steal: each task
 * leaves the queue exactly once, and a steal takes half (rounded up) of what it saw. The queue
 * starts with tasks 1-4; the owner pushes 5 and pops twice; a thief steals into its own queue.
 * The thief saw between 3 and 5 tasks, so it takes 2 or 3.
 *
 * <p>Kept by {@code LocalRunQueue}: {@code put} publishes a slot with a release store of
 * {@code tail}; {@code get} (owner: the production pop, {@code findRunnable}'s) and {@code grab} (thief, via {@code stealFrom}) claim
 * slots with a CAS on {@code head} after reading them, so a task read by a loser of the CAS is
 * discarded; {@code grab} takes {@code n - n/2}.
 *
 * <p>r1: the ids the owner popped, as digits; r2: how many the thief took; r3: 1 if tasks 1-5
 * were each seen exactly once (owner, thief, and what is left in both queues).
 */
@JCStressTest
@Outcome(id = ".*, [23], 1", expect = Expect.ACCEPTABLE, desc = "Each task once; the thief took half of what it saw.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task lost or duplicated, or a steal not about half.")
@State
public class RunQueueOwnerVsThiefTest {
    final LocalRunQueue victim = new LocalRunQueue();
    /** Where the owner's pop sends a runnext whose time slice ran out (never in practice: 10 ms). */
    final GlobalRunQueue global = new GlobalRunQueue();

    final LocalRunQueue thiefQueue = new LocalRunQueue();
    Runnable popped1, popped2, stolen;

    public RunQueueOwnerVsThiefTest() {
        for (int i = 1; i <= 4; i++) {
            victim.put(MARKERS[i], false, NO_OVERFLOW);
        }
    }

    @Actor
    public void owner(III_Result r) {
        victim.put(MARKERS[5], false, NO_OVERFLOW);
        popped1 = victim.get(global);
        popped2 = victim.get(global);
        r.r1 = StressSupport.id(popped1) * 10 + StressSupport.id(popped2);
    }

    @Actor
    public void thief(III_Result r) {
        stolen = thiefQueue.stealFrom(victim, false, true);
        r.r2 = (stolen == null ? 0 : 1) + thiefQueue.size();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        StressSupport.Tally tally = new StressSupport.Tally();
        tally.add(popped1);
        tally.add(popped2);
        tally.add(stolen);
        tally.drain(victim);
        tally.drain(global);
        tally.drain(thiefQueue);
        r.r3 = tally.exactlyOnce(5) ? 1 : 0;
    }
}

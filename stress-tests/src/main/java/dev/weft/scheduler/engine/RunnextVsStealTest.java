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
 * Invariant: {@code runnext} against a steal: a task in {@code runnext} is taken exactly once.
 * The queue holds only task 1, in {@code runnext}; the owner puts task 2 as {@code runnext}
 * (kicking 1 to the ring) and pops; a thief steals with {@code stealRunnext}, which takes
 * {@code runnext} only when the ring looked empty. Usually the owner runs 2 and the thief gets
 * 1; if the thief saw the ring empty just before the kick, it takes 2 from {@code runnext} and
 * the owner pops 1 from the ring. A thief may also come back empty-handed: it saw the ring empty
 * before the kick and {@code runnext} empty after the owner popped 2, so it missed task 1 on its
 * way from {@code runnext} to the ring (Go's {@code runqgrab} has the same window); task 1 is
 * not lost, it stays in the owner's queue, which the owner runs itself.
 *
 * <p>Kept by {@code LocalRunQueue}: {@code put(task, true, ..)} swaps {@code runnext} with one
 * atomic getAndSet; {@code get} (the production pop, {@code findRunnable}'s) and the thief's {@code grab} clear it only by a CAS from the
 * task they read, so one of them wins.
 *
 * <p>r1: the id the owner popped; r2: the id the thief got (0: none); r3: 1 if tasks 1 and 2 were
 * each seen exactly once (owner, thief, and what is left in both queues).
 */
@JCStressTest
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "Owner ran its runnext; the thief took the kicked task.")
@Outcome(
        id = "1, 2, 1",
        expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "Thief took the new runnext; the owner popped the kicked task.")
@Outcome(
        id = "2, 0, 1",
        expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "Thief missed task 1 moving to the ring; it stayed with the owner.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task lost or taken twice.")
@State
public class RunnextVsStealTest {
    final LocalRunQueue victim = new LocalRunQueue();
    /** Where the owner's pop sends a runnext whose time slice ran out (never in practice: 10 ms). */
    final GlobalRunQueue global = new GlobalRunQueue();

    final LocalRunQueue thiefQueue = new LocalRunQueue();
    Runnable popped, stolen;

    public RunnextVsStealTest() {
        victim.put(MARKERS[1], true, NO_OVERFLOW);
    }

    @Actor
    public void owner(III_Result r) {
        victim.put(MARKERS[2], true, NO_OVERFLOW);
        popped = victim.get(global);
        r.r1 = StressSupport.id(popped);
    }

    @Actor
    public void thief(III_Result r) {
        stolen = thiefQueue.stealFrom(victim, true, false);
        r.r2 = StressSupport.id(stolen);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        StressSupport.Tally tally = new StressSupport.Tally();
        tally.add(popped);
        tally.add(stolen);
        tally.drain(victim);
        tally.drain(global);
        tally.drain(thiefQueue);
        r.r3 = tally.exactlyOnce(2) ? 1 : 0;
    }
}

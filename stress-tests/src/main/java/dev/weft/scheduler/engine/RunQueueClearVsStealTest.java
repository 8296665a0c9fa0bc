package dev.weft.scheduler.engine;

import static dev.weft.scheduler.engine.StressSupport.MARKERS;
import static dev.weft.scheduler.engine.StressSupport.NO_OVERFLOW;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Invariant: the owner clearing its free ring slots as it gives its P up
 * ({@code LocalRunQueue.clearFreeSlots}) never makes a thief lose or invent a task, and leaves
 * no finished task referenced. The queue starts with tasks 1-4; the owner pops until empty,
 * clears the free slots (every slot: the ring is empty), then puts 5 into a slot that held a
 * task (its next holder refilling it); a thief steals meanwhile. A thief that read head before
 * the pops reads nulls from the cleared slots: its CAS on head must fail and it retries.
 *
 * <p>r1: how many the owner popped; r2: how many the thief took; r3: 1 if tasks 1-5 were each
 * seen exactly once (owner, thief, what is left in both queues); r4: 1 if the victim's free
 * slots hold no task afterwards, except task 5 when the thief took it after the clear (its
 * slot stays until the owner overwrites or clears it again).
 */
@JCStressTest
@Outcome(
        id = ".*, .*, 1, 1",
        expect = Expect.ACCEPTABLE,
        desc = "Each task once; only a task stolen after the clear is still held.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task lost, duplicated or null, or a stale slot left by the clear.")
@State
public class RunQueueClearVsStealTest {
    final LocalRunQueue victim = new LocalRunQueue();
    /** Where the owner's pop sends a runnext whose time slice ran out (none here: no runnext). */
    final GlobalRunQueue global = new GlobalRunQueue();

    final LocalRunQueue thiefQueue = new LocalRunQueue();
    final Runnable[] popped = new Runnable[4];
    Runnable stolen;

    public RunQueueClearVsStealTest() {
        for (int i = 1; i <= 4; i++) {
            victim.put(MARKERS[i], false, NO_OVERFLOW);
        }
    }

    @Actor
    public void owner(IIII_Result r) {
        int n = 0;
        for (Runnable t; (t = victim.get(global)) != null; ) {
            popped[n++] = t;
        }
        victim.clearFreeSlots(); // giving the P up
        victim.put(MARKERS[5], false, NO_OVERFLOW); // its next holder
        r.r1 = n;
    }

    @Actor
    public void thief(IIII_Result r) {
        stolen = thiefQueue.stealFrom(victim, false, true);
        r.r2 = (stolen == null ? 0 : 1) + thiefQueue.size();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        boolean thiefTook5 = stolen == MARKERS[5];
        int held = victim.heldFreeSlots();
        StressSupport.Tally tally = new StressSupport.Tally();
        for (Runnable t : popped) {
            tally.add(t);
        }
        tally.add(stolen);
        int leftWithVictim = tally.drain(victim);
        tally.drain(thiefQueue); // counted in r2 already
        tally.drain(global); // empty: no runnext to preempt
        boolean nullTaken = stolen == null && r.r2 != 0;
        r.r3 = tally.exactlyOnce(5) && !nullTaken && r.r1 + r.r2 + leftWithVictim == 5 ? 1 : 0;
        r.r4 = held == (thiefTook5 ? 1 : 0) ? 1 : 0;
    }
}

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
 * Invariant: overflow to the global queue racing with a steal. The ring is full (256 tasks); the
 * owner pushes one more while a thief steals. Either the owner overflowed first (half the ring,
 * 128, plus the new task go to the global queue; the thief then takes 64 of the 128 left) or
 * the thief stole first (128) and the push found room. Every task ends up in exactly one place.
 *
 * <p>Kept by {@code LocalRunQueue#put} / {@code putSlow}: the owner claims the half it moves with
 * a CAS on {@code head}, exactly like a thief's {@code grab}; if a thief moved {@code head}
 * first, the CAS fails and {@code put} retries into the room the thief made.
 * {@code GlobalRunQueue#putBatch} takes the batch.
 *
 * <p>r1: tasks in the global queue afterwards; r2: how many the thief took; r3: 1 if tasks
 * 1-257 were each seen exactly once.
 */
@JCStressTest
@Outcome(id = "129, 64, 1", expect = Expect.ACCEPTABLE, desc = "Overflow first, then the thief took half of the rest.")
@Outcome(id = "0, 128, 1", expect = Expect.ACCEPTABLE, desc = "Steal first; the push found room.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A task lost or duplicated, or an unexpected split.")
@State
public class RunQueueOverflowTest {
    static final int FULL = LocalRunQueue.CAPACITY;

    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thiefQueue = new LocalRunQueue();
    final GlobalRunQueue global = new GlobalRunQueue();
    Runnable stolen;

    public RunQueueOverflowTest() {
        for (int i = 1; i <= FULL; i++) {
            victim.put(MARKERS[i], false, NO_OVERFLOW);
        }
    }

    @Actor
    public void owner() {
        victim.put(MARKERS[FULL + 1], false, global);
    }

    @Actor
    public void thief(III_Result r) {
        stolen = thiefQueue.stealFrom(victim, false, true);
        r.r2 = (stolen == null ? 0 : 1) + thiefQueue.size();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = global.size();
        StressSupport.Tally tally = new StressSupport.Tally();
        tally.add(stolen);
        tally.drain(victim);
        tally.drain(thiefQueue);
        tally.drain(global);
        r.r3 = tally.exactlyOnce(FULL + 1) && global.isEmpty() ? 1 : 0;
    }
}

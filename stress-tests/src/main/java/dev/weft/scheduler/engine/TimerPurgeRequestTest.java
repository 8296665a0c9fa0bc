package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: no lost purge. A timed park's timer is cancelled while the timer thread starts a
 * round; {@code PURGE_MIN} cancelled entries are already held and an earlier cancel's purge
 * request stands (not served yet), so this cancel sees the request and may skip its own. The
 * new cancelled entry is either counted by the round (it reads {@code cancelled} after
 * {@code beginRound} clears the request), or a request stands after the round began (so a cancel
 * unparks the thread, or already did, after it: its next park returns at once and it looks
 * again).
 *
 * <p>Kept by {@code TimerQueue}: a cancel increments {@code cancelled}, then sets
 * {@code purgeWanted} (CAS) and unparks unless it is already set; the thread clears it, then
 * reads {@code cancelled}, then reads {@code purgeWanted} before it parks.
 *
 * <p>r1: 1 if the round counted the cancel; r2: 1 if a purge request stands at the end.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "The round counted the cancel.")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "The round counted it; a request came after it began anyway.")
@Outcome(
        id = "0, 1",
        expect = Expect.ACCEPTABLE,
        desc = "The round missed it; a request stands: the thread looks again.")
@Outcome(
        id = "0, 0",
        expect = Expect.FORBIDDEN,
        desc = "The cancelled entry was neither counted nor requested: a lost purge.")
@State
public class TimerPurgeRequestTest {
    final TimerQueue queue = new TimerQueue("jcstress-purge"); // never started: no thread to unpark
    final TimerQueue.Timer timer = new TimerQueue.Timer(() -> {}, 0, queue);

    public TimerPurgeRequestTest() {
        queue.presetForTest(TimerQueue.PURGE_MIN, true);
    }

    @Actor
    public void unparker() {
        timer.cancel(false);
    }

    @Actor
    public void timerThread(II_Result r) {
        queue.beginRound();
        r.r1 = queue.cancelledHeld() - TimerQueue.PURGE_MIN;
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = queue.purgeRequested() ? 1 : 0;
    }
}

package dev.weft.scheduler;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Invariant: no lost purge. Two timed parks' timers are cancelled while the timer thread starts a
 * round; both cancels cross the purge threshold ({@code PURGE_MIN} cancelled entries). Each
 * cancelled entry is either counted by the thread's round (it reads {@code cancelled} after
 * {@code beginRound}), or a purge request stands after the round began (so a cancel unparks the
 * thread, or already did, after it: its next park returns at once and it looks again).
 *
 * <p>Kept by {@code TimerQueue}: a cancel increments {@code cancelled}, then sets
 * {@code purgeWanted} (CAS) and unparks unless it is already set; the thread clears it, then
 * reads {@code cancelled}, then reads {@code purgeWanted} before it parks.
 *
 * <p>r1: cancels the thread's round counted (0..2); r2: 1 if a purge request stands at the end.
 */
@JCStressTest
@Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "The round counted both cancels.")
@Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "The round counted both; a request came after it began anyway.")
@Outcome(id = {"0, 1", "1, 1"}, expect = Expect.ACCEPTABLE, desc = "The round missed some; a request stands: the thread looks again.")
@Outcome(id = {"0, 0", "1, 0"}, expect = Expect.FORBIDDEN, desc = "A cancelled entry was neither counted nor requested: a lost purge.")
@State
public class TimerPurgeRequestTest {
    final TimerQueue queue = new TimerQueue("jcstress-purge"); // never started: no thread to unpark
    final TimerQueue.Timer a = new TimerQueue.Timer(() -> { }, 0, queue);
    final TimerQueue.Timer b = new TimerQueue.Timer(() -> { }, 0, queue);

    public TimerPurgeRequestTest() {
        queue.presetCancelledForTest(TimerQueue.PURGE_MIN - 1);
    }

    @Actor
    public void cancelA() {
        a.cancel(false);
    }

    @Actor
    public void cancelB() {
        b.cancel(false);
    }

    @Actor
    public void timerThread(II_Result r) {
        queue.beginRound();
        r.r1 = queue.cancelledHeld() - (TimerQueue.PURGE_MIN - 1);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = queue.purgeRequested() ? 1 : 0;
    }
}

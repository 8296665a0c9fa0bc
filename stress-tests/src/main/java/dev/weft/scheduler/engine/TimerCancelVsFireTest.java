package dev.weft.scheduler.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Invariant: a timed park's timer runs at most once and never after a successful cancel. The
 * timer thread comes to the timer's deadline ({@code tryFire}) while the parked thread is
 * unparked early and the JDK cancels the timer ({@code cancel}): exactly one of them wins.
 *
 * <p>Kept by {@code TimerQueue.Timer}: both are one CAS from {@code PENDING} (to
 * {@code FIRED}, to {@code CANCELLED}). The winning cancel clears the task (so a cancelled
 * timer does not keep the parked thread reachable): the winning fire must still see it.
 *
 * <p>r1: 1 if the timer thread may run the task and got it, 2 if it won but the task was gone; r2: 1 if the cancel succeeded; r3: 1 if the
 * final state agrees ({@code isCancelled} exactly when the cancel won, {@code isDone} always).
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "The timer fired first; the cancel came too late.")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "The cancel came first; the timer never runs.")
@Outcome(
        expect = Expect.FORBIDDEN,
        desc = "Both won, or neither, or the fire lost its task: a timer ran after its cancel, or was lost.")
@State
public class TimerCancelVsFireTest {
    static final TimerQueue QUEUE = new TimerQueue("jcstress-timers"); // never started: no thread
    static final Runnable TASK = () -> {};
    final TimerQueue.Timer timer = new TimerQueue.Timer(TASK, 0, QUEUE);

    @Actor
    public void timerThread(III_Result r) {
        Runnable task = timer.tryFire();
        r.r1 = task == null ? 0 : task == TASK ? 1 : 2;
    }

    @Actor
    public void unparker(III_Result r) {
        r.r2 = timer.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = timer.isDone() && timer.isCancelled() == (r.r2 == 1) ? 1 : 0;
    }
}

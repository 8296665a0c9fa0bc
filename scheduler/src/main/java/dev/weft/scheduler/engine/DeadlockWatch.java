package dev.weft.scheduler.engine;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.Deadlocks;
import dev.weft.scheduler.internal.WaitReason;
import dev.weft.scheduler.internal.WeftBlocker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Go's "all goroutines are asleep - deadlock!", run by {@link Sysmon}. Go knows every thread
 * and every timer, and never reports while a timer is pending or another goroutine can run; a
 * JVM can hide wakers (native code, other processes), so weft reports only when every thread
 * that could run user code is seen parked for good, and errs towards silence:
 * <ol>
 *   <li>the scheduler has been <em>quiet</em> for {@link #QUIET_NANOS}: every P idle, no task
 *       queued, no task run (the run ticks of the Ps did not move), some virtual thread alive,
 *       and no pending timer anywhere in weft: none of this scheduler's (timed parks, sleeps),
 *       none of any other live weft scheduler's, no weft channel timer ({@code Timers},
 *       {@link Deadlocks#pendingTimers}); every other live weft scheduler idle too (its Ps idle,
 *       its queue empty);</li>
 *   <li>each of its live virtual threads is parked without a deadline in a weft channel
 *       operation, or in a {@code java.util.concurrent} lock, latch, queue or a join; one that
 *       is running, sleeping, waiting with a timeout, blocked on a monitor, or parked in I/O
 *       (socket, pipe, file) rules a deadlock out ({@link ParkedThreads#classify}); the JDK's
 *       I/O pollers are not counted;</li>
 *   <li>no thread outside the scheduler can wake them ({@link ParkedThreads#outsideWaker}):
 *       every other virtual thread of the JVM (the JDK's scheduler's, other weft schedulers')
 *       is parked without a deadline on a weft or {@code java.util.concurrent} object, and
 *       every platform thread, daemon or not, waits without a timeout or sits in a spot known
 *       to wake to nothing;</li>
 *   <li>the same look, taken a second time at once, finds the same, and the scheduler did not
 *       move in between (a thread seen parked may have been woken by one seen later).</li>
 * </ol>
 * Then it logs one ERROR with the count and every parked thread's stack (a thread parked in
 * weft shows its wait reason in brackets, as Go's {@code goroutine 5 [chan receive]:}), and with
 * {@code -Dweft.deadlock=fail} fails the threads parked in weft channels with a
 * {@link DeadlockException}. It reports once per quiet period; any progress starts a new one.
 * A look that finds a possible waker is taken again later, {@link #QUIET_NANOS} after it, then
 * twice as long after each one that finds one, up to {@link #MAX_RESCAN_NANOS}: the waker may
 * end without waking anyone.
 *
 * <p>Every field is sysmon's own, but the registry of schedulers, which any sysmon reads.
 */
final class DeadlockWatch {
    private static final Logger log = LoggerFactory.getLogger(DeadlockWatch.class);

    /** Go reports at once (it knows every thread); weft waits a second of quiet to be sure. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The longest wait between two looks of one quiet period that found a possible waker. */
    static final long MAX_RESCAN_NANOS = TimeUnit.SECONDS.toNanos(32);

    /** What the watch reads of a scheduler (its own, and every other live one): racy snapshots. */
    interface View {
        String name();

        /** The JDK face: which virtual threads are this scheduler's. */
        JdkScheduler jdk();

        TimerQueue timers();

        long liveGoroutines();

        boolean allProcsIdle();

        boolean globalQueueEmpty();

        boolean isTerminated();

        int gomaxprocs();

        /** P {@code id}, below {@link #gomaxprocs}; null if never made. */
        Processor processor(int id);

        /** Counted once per report (JMX, stats). */
        void deadlockReported();
    }

    private final View sched;
    private final SysmonSettings.DeadlockMode mode;
    /** How the report names the mode's source: {@code -Dweft.deadlock=fail} or {@code deadlockMode FAIL}. */
    private final String deadlockSetting;

    private long lastProgress = -1;
    /** When the next look is due (System.nanoTime), in this quiet period. */
    private long nextLook;
    /** How long after the next look, if it finds a possible waker, the one after it is. */
    private long lookInterval = QUIET_NANOS;
    /** Reported in this quiet period: no more looks until it moves. */
    private boolean reported;

    private boolean unavailableLogged;

    DeadlockWatch(View sched, SysmonSettings settings) {
        this.sched = sched;
        this.mode = settings.deadlock();
        this.deadlockSetting = settings.deadlockSetting();
    }

    /** One sysmon pass. */
    void check(long now) {
        if (mode == SysmonSettings.DeadlockMode.OFF) {
            return;
        }
        long progress = progress();
        if (progress != lastProgress || !quiet()) {
            lastProgress = progress;
            nextLook = now + QUIET_NANOS;
            lookInterval = QUIET_NANOS;
            reported = false;
            return;
        }
        if (reported || now - nextLook < 0) {
            return;
        }
        if (scan()) {
            reported = true;
        } else {
            nextLook = System.nanoTime() + lookInterval; // after the look: it may have taken a while
            lookInterval = Math.min(lookInterval * 2, MAX_RESCAN_NANOS);
        }
    }

    /** When sysmon, sleeping while every P is idle, should look again. */
    long nextCheck(long now) {
        if (mode == SysmonSettings.DeadlockMode.OFF || reported) {
            return now + Sysmon.IDLE_SLEEP_NANOS;
        }
        return Math.max(now, nextLook);
    }

    /** Rule 1: this scheduler quiet, no weft timer pending, every other weft scheduler idle. */
    private boolean quiet() {
        return sched.liveGoroutines() > 0
                && sched.allProcsIdle()
                && sched.globalQueueEmpty()
                && sched.timers().pending() == 0
                && Deadlocks.pendingTimers() == 0
                && !sched.isTerminated()
                && otherSchedulersIdle();
    }

    /** Every other weft scheduler ({@link LiveSchedulers}): its Ps, queue and timers are wakers too. */
    private boolean otherSchedulersIdle() {
        return !LiveSchedulers.anyOther(
                sched,
                other -> !other.allProcsIdle()
                        || !other.globalQueueEmpty()
                        || other.timers().pending() > 0);
    }

    /** Tasks run so far on every P: any change is progress. */
    private long progress() {
        long sum = 0;
        int n = sched.gomaxprocs();
        for (int i = 0; i < n; i++) {
            Processor p = sched.processor(i);
            if (p != null) {
                sum += (int) Processor.RUNTICK.getOpaque(p);
            }
        }
        return sum;
    }

    /** The parked threads of a deadlock: all of them, and those in weft channels. */
    private record Parked(List<Thread> threads, List<Thread> inChannels) {}

    /** Rules 2 to 4; reports and returns true if they hold. */
    private boolean scan() {
        if (!ParkedThreads.available()) {
            if (!unavailableLogged) {
                unavailableLogged = true;
                log.info("{}: no deadlock detection: {}", sched.name(), ParkedThreads.unavailableReason());
            }
            return false;
        }
        Parked first = look();
        if (first == null) {
            return false;
        }
        Parked second = look(); // rule 4: a waker seen late may have woken a thread seen early
        if (second == null
                || !Set.copyOf(second.threads()).equals(Set.copyOf(first.threads()))
                || progress() != lastProgress
                || !quiet()) {
            log.debug("{}: no deadlock: it moved while we looked", sched.name());
            return false;
        }
        report(second.threads(), second.inChannels());
        return true;
    }

    /** Rules 2 and 3, once: the parked threads if they hold, else null. */
    private Parked look() {
        List<Thread> ours = new ArrayList<>();
        List<Thread> others = new ArrayList<>();
        for (Thread t : ParkedThreads.allVirtualThreads()) {
            (ParkedThreads.schedulerOf(t) == sched.jdk() ? ours : others).add(t);
        }
        // Rule 3 first: it looks at the few threads outside the scheduler, and a waker among them
        // (main in a sleep, a hook) spares classifying every one of ours, 10 us a stack.
        int hooks = ParkedThreads.ShutdownHooks.count();
        // a signal (SIGTERM, SIGINT) runs the hooks, and a hook may wake anyone: a service that
        // parks its goroutines until it is told to stop is not deadlocked (Go's signal.Notify)
        String waker = hooks > 0
                ? hooks + " shutdown hook" + (hooks == 1 ? " is" : "s are") + " registered (Runtime.addShutdownHook):"
                        + " a signal may run it"
                : ParkedThreads.outsideWaker(others, Set.of());
        if (waker != null) {
            log.debug(
                    "{}: quiet, {} virtual threads parked, but a {} and may wake them",
                    sched.name(),
                    ours.size(),
                    waker);
            return null;
        }
        List<Thread> threads = new ArrayList<>();
        List<Thread> inChannels = new ArrayList<>();
        for (Thread t : ours) {
            ParkedThreads.Wait wait = ParkedThreads.classify(t);
            switch (wait) {
                case WEFT -> {
                    threads.add(t);
                    inChannels.add(t);
                }
                case JUC -> threads.add(t);
                default -> { // running, timed, I/O or unknown: someone may still wake them
                    if (wait == ParkedThreads.Wait.OTHER && ParkedThreads.isJdkPoller(t)) {
                        continue; // the JDK's poller, started on weft: neither a waker nor deadlocked
                    }
                    log.debug("{}: quiet, but no deadlock: {} is {}", sched.name(), t, wait);
                    return null;
                }
            }
        }
        if (threads.isEmpty()) {
            return null;
        }
        return new Parked(threads, inChannels);
    }

    private void report(List<Thread> threads, List<Thread> inChannels) {
        String message = DeadlockException.message(threads.size(), sched.name());
        StringBuilder sb = new StringBuilder(message);
        for (Thread t : threads) {
            sb.append("\n\n").append(t);
            WaitReason reason = WeftBlocker.waitReasonOf(t);
            if (reason != null) {
                sb.append(" [").append(reason).append(']'); // Go's "goroutine 5 [chan receive]:"
            }
            sb.append(' ').append(t.getState());
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        }
        if (mode == SysmonSettings.DeadlockMode.FAIL) {
            sb.append("\n\n")
                    .append(deadlockSetting)
                    .append(
                            inChannels.isEmpty()
                                    ? ": none of them is blocked in a weft channel, so none is failed"
                                    : ": failing the " + inChannels.size()
                                            + " blocked in weft channels with DeadlockException");
        }
        log.error("{}: {}", sched.name(), sb);
        // counted after the log (whoever watches the count sees the stacks logged first) and
        // before the threads fail (one that ends the program after its failure sees it counted)
        sched.deadlockReported();
        if (mode == SysmonSettings.DeadlockMode.FAIL) {
            for (Thread t : inChannels) {
                Deadlocks.declare(t, new DeadlockException(message));
            }
        }
    }
}

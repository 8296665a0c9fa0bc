package dev.weft.scheduler;

import dev.weft.scheduler.internal.Deadlocks;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Go's "all goroutines are asleep - deadlock!", run by {@link Sysmon}. The rule, as far as it can
 * be known from inside a JVM:
 * <ol>
 *   <li>the scheduler has been <em>quiet</em> for {@link #QUIET_NANOS}: every P idle, no task
 *       queued, no task run (the run ticks of the Ps did not move), no pending timer of a timed
 *       park or sleep on this scheduler and no pending weft channel timer ({@code Timers}), and
 *       some virtual thread alive;</li>
 *   <li>each of its live virtual threads is parked without a deadline in a weft channel
 *       operation, or in a {@code java.util.concurrent} lock, latch, queue or a join; one that
 *       is running, sleeping, waiting with a timeout, blocked on a monitor, or parked in I/O
 *       (socket, pipe, file, the JDK's poller) rules a deadlock out ({@link ParkedThreads});</li>
 *   <li>no platform thread outside the scheduler can wake them: every live non-daemon platform
 *       thread is waiting without a timeout, or waiting for a weft scheduler to end. Daemon
 *       threads are not counted, and virtual threads of other schedulers can't be seen.</li>
 * </ol>
 * Then it logs one ERROR with the count and every parked thread's stack, and with
 * {@code -Dweft.deadlock=fail} fails the threads parked in weft channels with a
 * {@link DeadlockException}. It reports once per quiet period; any progress starts a new one.
 *
 * <p>Every field is sysmon's own.
 */
final class DeadlockWatch {
    private static final Logger log = LoggerFactory.getLogger(DeadlockWatch.class);

    /** Go reports at once (it knows every thread); weft waits a second of quiet to be sure. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CarrierScheduler sched;
    private final SysmonSettings.DeadlockMode mode;
    private long quietSince;
    private long lastProgress = -1;
    private boolean checked;
    private boolean unavailableLogged;

    DeadlockWatch(CarrierScheduler sched) {
        this.sched = sched;
        this.mode = sched.settings.deadlock();
    }

    /** One sysmon pass. */
    void check(long now) {
        if (mode == SysmonSettings.DeadlockMode.OFF) {
            return;
        }
        long progress = progress();
        if (progress != lastProgress || !quiet()) {
            lastProgress = progress;
            quietSince = now;
            checked = false;
            return;
        }
        if (checked || now - quietSince < QUIET_NANOS) {
            return;
        }
        checked = true; // one scan per quiet period: a thread in I/O may stay that way for hours
        scan();
    }

    /** When sysmon, sleeping while every P is idle, should look again. */
    long nextCheck(long now) {
        if (mode == SysmonSettings.DeadlockMode.OFF || checked) {
            return now + Sysmon.IDLE_SLEEP_NANOS;
        }
        return Math.max(now, quietSince + QUIET_NANOS);
    }

    private boolean quiet() {
        return sched.liveGoroutines() > 0 && sched.allProcsIdle() && sched.globalQueueEmpty()
                && sched.timers.pending() == 0 && Deadlocks.pendingTimers() == 0 && !sched.isTerminated();
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

    private void scan() {
        if (!ParkedThreads.available()) {
            if (!unavailableLogged) {
                unavailableLogged = true;
                log.info("{}: no deadlock detection: {}", sched.name, ParkedThreads.unavailableReason());
            }
            return;
        }
        List<Thread> threads = ParkedThreads.virtualThreadsOf(sched.jdk);
        if (threads.isEmpty()) {
            return;
        }
        List<Thread> inChannels = new ArrayList<>();
        for (Thread t : threads) {
            ParkedThreads.Wait wait = ParkedThreads.classify(t);
            switch (wait) {
                case WEFT -> inChannels.add(t);
                case JUC -> { }
                default -> { // running, timed, I/O or unknown: someone may still wake them
                    log.debug("{}: quiet, but no deadlock: {} is {}", sched.name, t, wait);
                    return;
                }
            }
        }
        if (ParkedThreads.outsideThreadsCanWake(Set.of(Thread.currentThread()))) {
            log.debug("{}: quiet, {} virtual threads parked, but a platform thread may wake them",
                    sched.name, threads.size());
            return;
        }
        if (progress() != lastProgress || !quiet()) {
            log.debug("{}: no deadlock: it moved while we looked", sched.name);
            return;
        }
        report(threads, inChannels);
    }

    private void report(List<Thread> threads, List<Thread> inChannels) {
        String message = DeadlockException.message(threads.size(), sched.name);
        StringBuilder sb = new StringBuilder(message);
        for (Thread t : threads) {
            sb.append("\n\n").append(t).append(' ').append(t.getState());
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("\n\tat ").append(e);
            }
        }
        if (mode == SysmonSettings.DeadlockMode.FAIL) {
            sb.append("\n\n-D").append(SysmonSettings.DEADLOCK_PROPERTY).append("=fail: failing the ")
                    .append(inChannels.size()).append(" blocked in weft channels with DeadlockException");
        }
        log.error("{}: {}", sched.name, sb);
        if (mode == SysmonSettings.DeadlockMode.FAIL) {
            for (Thread t : inChannels) {
                Deadlocks.declare(t, new DeadlockException(message));
            }
        }
        sched.deadlockReported(); // last: whoever watches the count sees the stacks logged first
    }
}

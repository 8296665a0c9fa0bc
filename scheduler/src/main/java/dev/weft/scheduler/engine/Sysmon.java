package dev.weft.scheduler.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Go's {@code sysmon}: one daemon platform thread per scheduler, {@code <name>-sysmon}, that
 * keeps it healthy without being one of its carriers. Each pass:
 * <ol>
 *   <li>{@link #retakeBlocked}: hands the P of a carrier blocked inside a task (file I/O, a
 *       native call, a pinned park) to another carrier when work waits (Go's {@code retake}).</li>
 *   <li>{@link #schedtrace}: Go's {@code GODEBUG=schedtrace} line, every
 *       {@code -Dgomaxprocs.schedtrace} ms.</li>
 *   <li>{@link #recheckCpuLimit}: at most once a second, the container-aware CPU count, and a
 *       resize when it changed (Go 1.25), unless gomaxprocs was set explicitly.</li>
 *   <li>{@link DeadlockWatch}: Go's "all goroutines are asleep - deadlock!".</li>
 * </ol>
 * Its tick adapts as Go's does: 20 us after it acted, doubling after 50 idle passes up to
 * 10 ms; once every P has been idle for a second it sleeps until its next due check (at most a
 * second) or until a carrier is started ({@link #wake}).
 *
 * <p>Who writes what: every field but {@code sleeping} and {@code explicitProcs} is written only
 * by the sysmon thread. {@code sleeping} is written by sysmon (true before its long sleep, with
 * a re-check after) and read by {@link #wake}; {@code explicitProcs} is set once, by whoever
 * sizes the scheduler by hand.
 */
final class Sysmon implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Sysmon.class);
    private static final Logger trace = LoggerFactory.getLogger("dev.weft.scheduler.schedtrace");

    static final String MAX_THREADS_PROPERTY = SysmonSettings.MAX_THREADS_PROPERTY;

    /** Go's sysmon: 20 us between passes while it has work to do... */
    static final long MIN_DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** ...doubling after 50 passes with nothing to do, up to 10 ms. */
    static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    static final int IDLE_PASSES_BEFORE_BACKOFF = 50;
    /** With every P idle there is nothing to retake: sleep until a carrier starts, or this long. */
    static final long IDLE_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * ...but only once every P has been idle this long: a scheduler that goes idle for moments
     * (a hand-off between two threads that both park) must not pay an unpark of sysmon on
     * each carrier start ({@link #wake}), one more futex wake on the hot path of a wake-up.
     */
    static final long IDLE_BEFORE_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Go 1.25 re-reads the CPU limit at most once a second; sysmon also looks for JMX then. */
    static final long CPU_LIMIT_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A carrier stuck in one task counts as blocked only if it used less than this share of one
     * CPU over the window: a blocked thread uses about none, a computing one most of it. Not
     * enough alone: on an oversubscribed machine a runnable carrier can get less than this too,
     * so where Linux shows thread states they must say asleep as well ({@link #retakeBlocked}).
     */
    static final int BLOCKED_CPU_PERCENT = 10;

    /** The JVM's thread CPU clock, looked up on first use (about 10 ms, so not at start-up). */
    private static final class CpuClock {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static final boolean SUPPORTED = THREADS.isThreadCpuTimeSupported();
    }

    /**
     * What sysmon reads of its scheduler, and the few things it does to it (retake a P, resize,
     * look for JMX, finish termination): implemented by {@link CarrierScheduler}. Every method
     * is safe from sysmon's thread; the reads are racy snapshots.
     */
    interface View extends DeadlockWatch.View {
        /** Go's {@code retake} of P {@code p}, stuck at run tick {@code runtick}: see {@link CarrierScheduler}. */
        boolean retake(Processor p, int runtick, long blockedNanos);

        /** Go's {@code procresize} to {@code n} Ps; returns the previous size. */
        int resize(int n, String reason);

        dev.weft.scheduler.SchedulerStats stats();

        /** Go's scheddetail lines. */
        java.util.List<String> schedDetail();

        /** What carriers and pinned virtual threads logged: sysmon writes it. */
        DeferredLog deferredLog();

        /** Once a second: what sysmon does for the outside (register the MXBean once JMX is up). */
        void sysmonPass();

        /** sysmon's last act, after termination. */
        void sysmonExited();
    }

    private final View sched;
    private final SysmonSettings settings;
    private final IntSupplier cpuLimit;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final DeadlockWatch deadlocks;

    /** What sysmon saw of each P on earlier passes (Go's sysmontick), by P id. */
    private final Watch[] watches = new Watch[DefaultGomaxprocs.MAX];

    private volatile boolean sleeping;
    private volatile boolean explicitProcs;
    private long allIdleSince = -1;
    private long nextTrace;
    private long nextCpuCheck;
    private int lastCpuLimit;

    /**
     * sysmon's memory of one P (Go's sysmontick): the last run tick and carrier seen, since when,
     * and the current sampling window of the blocked rule ({@link #retakeBlocked}): when it
     * began, the carrier's CPU time then, and what its thread state was then.
     */
    private static final class Watch {
        int runtick;
        long since;
        Carrier carrier;
        /** When the window began (System.nanoTime), or -1: no window yet. */
        long windowStart = -1;

        long cpuAt;
        /** {@link ThreadStates#RUNNABLE}, {@link ThreadStates#ASLEEP} or {@link ThreadStates#UNKNOWN}. */
        int stateAt;
        /** The carrier's open stat file while it is a candidate; null otherwise or where unreadable. */
        ThreadStates.Stat stat;
    }

    Sysmon(View sched, SysmonSettings settings, IntSupplier cpuLimit) {
        this.sched = sched;
        this.settings = settings;
        this.cpuLimit = cpuLimit;
        this.deadlocks = new DeadlockWatch(sched, settings);
        this.thread = new Thread(null, this, sched.name() + "-sysmon", 0, false);
        this.thread.setDaemon(true);
        this.explicitProcs = cpuLimit == null;
    }

    void start() {
        long now = System.nanoTime();
        nextTrace = now + TimeUnit.MILLISECONDS.toNanos(settings.schedtraceMillis());
        nextCpuCheck = now + CPU_LIMIT_PERIOD_NANOS;
        lastCpuLimit = sched.gomaxprocs();
        thread.start();
    }

    /** gomaxprocs was set by hand (API, JMX): the CPU limit no longer decides it. */
    void procsSetExplicitly() {
        explicitProcs = true;
    }

    boolean followsCpuLimit() {
        return !explicitProcs;
    }

    /** A carrier started, or the scheduler terminated: end a long idle sleep. Cheap otherwise. */
    void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        long delay = MIN_DELAY_NANOS;
        int idle = 0;
        while (!sched.isTerminated()) {
            long now = System.nanoTime();
            boolean acted = retakeBlocked(now);
            if (settings.schedtraceMillis() > 0 && now - nextTrace >= 0) {
                schedtrace(now);
                nextTrace = now + TimeUnit.MILLISECONDS.toNanos(settings.schedtraceMillis());
            }
            if (now - nextCpuCheck >= 0) {
                if (!explicitProcs) {
                    recheckCpuLimit();
                }
                sched.sysmonPass(); // JMX may have started since
                nextCpuCheck = now + CPU_LIMIT_PERIOD_NANOS;
            }
            deadlocks.check(now);
            sched.deferredLog().drain();
            if (acted) {
                idle = 0;
                delay = MIN_DELAY_NANOS;
            } else if (++idle > IDLE_PASSES_BEFORE_BACKOFF) {
                delay = Math.min(delay * 2, MAX_DELAY_NANOS);
            }
            if (!sched.allProcsIdle()) {
                allIdleSince = -1;
            } else if (allIdleSince < 0) {
                allIdleSince = now;
            } else if (now - allIdleSince >= IDLE_BEFORE_SLEEP_NANOS) {
                sleepIdle(now);
                allIdleSince = -1;
                idle = 0;
                delay = MIN_DELAY_NANOS;
                continue;
            }
            LockSupport.parkNanos(this, delay);
        }
        forgetRemovedPs(0); // the scheduler ended: close every stat file
        sched.sysmonExited();
    }

    /** Every P idle: sleep until the next due check, or until {@link #wake}. */
    private void sleepIdle(long now) {
        long until = now + IDLE_SLEEP_NANOS;
        if (settings.schedtraceMillis() > 0) {
            until = Math.min(until, nextTrace);
        }
        until = Math.min(until, deadlocks.nextCheck(now));
        sleeping = true;
        if (sched.allProcsIdle() && !sched.isTerminated()) { // re-check after publishing sleeping
            long left = until - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
            }
        }
        sleeping = false;
    }

    // ---- retake ---------------------------------------------------------------------------

    /**
     * Go's {@code retake}, for the blocking case only (Java can't preempt). <b>sysmon's blocked
     * rule</b>: the P of carrier C goes to another carrier when all of these hold:
     * <ol>
     *   <li>the P's run tick and carrier have not changed, C inside one task, for the hand-off
     *       threshold T ({@code -Dweft.handoff});</li>
     *   <li>over the last window, from a first sample once the P was stuck T/2 to a second at
     *       least T/2 later, C used less than {@value #BLOCKED_CPU_PERCENT}% of a CPU (only Ps
     *       stuck T/2 are sampled: sysmon reads the CPU clock and {@code /proc} for no other);</li>
     *   <li>C's Linux thread state ({@link ThreadStates}) was not {@code R} (runnable) at either
     *       end of the window: a carrier starved of CPU on an oversubscribed machine is runnable,
     *       not blocked, and more carriers would only make the overload worse. Two samples T/2
     *       apart, both asleep ({@code S}/{@code D}), rule out a short futex wait or safepoint
     *       caught by one unlucky look (sysmon, a Java thread, can't sample twice in one
     *       safepoint). Where the state can't be read (not Linux, TID unknown,
     *       thread gone) this condition is left out: the CPU-time rule alone decides;</li>
     *   <li>work waits, on the P's queue or the global one.</li>
     * </ol>
     * A computing carrier keeps its P: more carriers than Ps on CPU-bound work would only share
     * the same cores. Each window starts where the last one ended. What is left: a carrier that
     * really sleeps through both samples while inside a task (a long wait for a monitor or JVM
     * lock whose holder is starved of CPU: seen now and then under heavy overload, in the mount
     * of a virtual thread) is handed off too; its spare carrier exits after the keep-alive.
     */
    private boolean retakeBlocked(long now) {
        long threshold = settings.handoffNanos();
        int n = sched.gomaxprocs();
        forgetRemovedPs(n);
        if (threshold == 0) {
            return false;
        }
        long half = threshold / 2;
        boolean acted = false;
        for (int i = 0; i < n; i++) {
            Processor p = sched.processor(i);
            if (p == null) {
                continue;
            }
            Watch w = watches[i];
            if (w == null) {
                w = watches[i] = new Watch();
            }
            int tick = (int) Processor.RUNTICK.getOpaque(p);
            Carrier c = p.carrier; // racy: re-checked under the lock by retake
            if (tick != w.runtick
                    || c != w.carrier
                    || p.status != Processor.RUNNING
                    || c == null
                    || c.state() != Carrier.IN_TASK) {
                restart(w, tick, c, now);
                continue;
            }
            long stuck = now - w.since;
            if (stuck < half) {
                continue; // not a candidate yet
            }
            if (w.windowStart < 0) {
                sample(w, c, now);
                continue;
            }
            long window = now - w.windowStart;
            if (stuck < threshold || window < half) {
                continue;
            }
            long cpuBefore = w.cpuAt;
            int stateBefore = w.stateAt;
            sample(w, c, now); // the end of this window, the start of the next
            if (isBlocked(cpuBefore, w.cpuAt, window, stateBefore, w.stateAt)
                    && workWaits(p)
                    && sched.retake(p, tick, stuck)) {
                if (log.isDebugEnabled()) {
                    log.debug(
                            "{}: P{} of {} stuck {} us: {} us of CPU in the last {} us, thread state {} then {}"
                                    + " (0 R, 1 S/D, 2 unknown)",
                            sched.name(),
                            i,
                            c.getName(),
                            stuck / 1000,
                            cpuBefore < 0 || w.cpuAt < 0 ? -1 : (w.cpuAt - cpuBefore) / 1000,
                            window / 1000,
                            stateBefore,
                            w.stateAt);
                }
                restart(w, tick, null, now);
                acted = true;
            }
        }
        return acted;
    }

    /**
     * Points 2 and 3 of the blocked rule ({@link #retakeBlocked}) for one window of
     * {@code windowNanos}: CPU time {@code cpuBefore} to {@code cpuAfter} (-1: no CPU clock, so
     * it doesn't count), thread state at either end.
     */
    static boolean isBlocked(long cpuBefore, long cpuAfter, long windowNanos, int stateBefore, int stateAfter) {
        if (stateBefore == ThreadStates.RUNNABLE || stateAfter == ThreadStates.RUNNABLE) {
            return false; // running, or starved of CPU: not blocked
        }
        return cpuBefore < 0 || cpuAfter < 0 || (cpuAfter - cpuBefore) * 100 < windowNanos * BLOCKED_CPU_PERCENT;
    }

    /** Starts the window: the carrier's CPU time and thread state now (opening its stat file once). */
    private static void sample(Watch w, Carrier c, long now) {
        if (w.stat == null) {
            w.stat = ThreadStates.Stat.open(c.tid); // null without a TID or /proc: UNKNOWN below
        }
        w.stateAt = w.stat == null ? ThreadStates.UNKNOWN : w.stat.state();
        w.cpuAt = cpuTime(c);
        w.windowStart = now;
    }

    /** The P moved on (or changed hands): watch it afresh. */
    private static void restart(Watch w, int tick, Carrier c, long now) {
        w.runtick = tick;
        w.carrier = c;
        w.since = now;
        w.windowStart = -1;
        closeStat(w);
    }

    private static void closeStat(Watch w) {
        if (w.stat != null) {
            w.stat.close();
            w.stat = null;
        }
    }

    /** Ps at or above {@code n} were removed by a resize: let go of their carriers' stat files. */
    private void forgetRemovedPs(int n) {
        for (int i = n; i < watches.length && watches[i] != null; i++) {
            if (watches[i].stat != null || watches[i].carrier != null) {
                restart(watches[i], watches[i].runtick, null, 0);
            }
        }
    }

    private boolean workWaits(Processor p) {
        return !p.runq.isEmpty() || !sched.globalQueueEmpty();
    }

    /** The carrier's CPU time in ns, or -1 when the JVM can't tell (then the clock alone decides). */
    private static long cpuTime(Carrier c) {
        return CpuClock.SUPPORTED ? CpuClock.THREADS.getThreadCpuTime(c.threadId()) : -1;
    }

    // ---- schedtrace -----------------------------------------------------------------------

    /** Go's {@code schedtrace}: one line, and with scheddetail one per P and per carrier. */
    private void schedtrace(long now) {
        long ms = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
        trace.info("SCHED {}ms: {}", ms, sched.stats().schedtrace());
        if (settings.scheddetail()) {
            for (String line : sched.schedDetail()) {
                trace.info("  {}", line);
            }
        }
    }

    // ---- live GOMAXPROCS ------------------------------------------------------------------

    /** Go 1.25's {@code updateMaxProcsG}: resize when the container-aware CPU count changed. */
    private void recheckCpuLimit() {
        int n;
        try {
            // capped at maxThreads, as at creation: a P without a carrier would never run
            n = Math.clamp(cpuLimit.getAsInt(), 1, Math.min(DefaultGomaxprocs.MAX, settings.maxThreads()));
        } catch (RuntimeException e) {
            log.debug("{}: CPU limit not readable, keeping gomaxprocs={}", sched.name(), sched.gomaxprocs(), e);
            return;
        }
        if (n == lastCpuLimit) {
            return;
        }
        lastCpuLimit = n;
        if (explicitProcs) {
            return; // set by hand while we read
        }
        int prev = sched.resize(n, "cpu-limit");
        if (prev != n) {
            log.info("{}: CPU limit changed, gomaxprocs {} -> {}", sched.name(), prev, n);
        }
    }
}

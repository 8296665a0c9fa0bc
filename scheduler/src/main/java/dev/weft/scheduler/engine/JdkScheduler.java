package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.SchedulerStats;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The scheduler as the JDK sees it: what weft hands to {@code ThreadBuilders$VirtualThreadBuilder},
 * and, under weft's agent, what {@code java.lang.VirtualThread.DEFAULT_SCHEDULER} is. It is a
 * {@link ForkJoinPool} in form only, because that is what JDK 25 asks of a scheduler in three
 * places, and it overrides every method the JDK calls there:
 * <ul>
 *   <li>{@code VirtualThread.schedule}, the timer of a timed park: a {@code ForkJoinPool}
 *       scheduler gets {@link #schedule}, any other executor the JDK's shared
 *       {@code VirtualThread-unparker} threads. So weft's timers ({@link TimerQueue}) serve
 *       {@code Thread.sleep}, {@code parkNanos} and timed {@code Object.wait}.</li>
 *   <li>{@code DEFAULT_SCHEDULER} is typed {@code ForkJoinPool}; the JDK's
 *       {@code VirtualThreadSchedulerMXBean} ({@code VirtualThreadSchedulerImpls}) reads
 *       {@link #getParallelism}, {@link #getPoolSize}, {@link #getActiveThreadCount},
 *       {@link #getQueuedTaskCount} and {@link #getQueuedSubmissionCount}, and writes
 *       {@link #setParallelism} (gomaxprocs); {@code jcmd Thread.vthread_scheduler} prints
 *       {@link #toString}.</li>
 *   <li>{@code externalSubmit} and {@code lazySubmit}, which the JDK calls only on its own
 *       {@code CarrierThread}s (never weft's): routed to {@link #execute} all the same.</li>
 * </ul>
 * The pool itself never gets a task, so it never starts a thread.
 *
 * <h2>The JDK's default scheduler (weft's agent)</h2>
 * {@link #newJdkDefault()} makes a face with no engine yet: the agent installs it before
 * {@code VirtualThread} is initialised, and {@link GoScheduler#global()} binds its engine to it
 * when it is built. Invariants:
 * <ul>
 *   <li>{@code sched} is written once, null to non-null, by {@link #bind}, and only after the
 *       engine's owner is set and its sysmon runs; after that every call goes straight to it.</li>
 *   <li>{@link #execute} never blocks and never waits for anything, not even for the engine to
 *       be built: the first submission may come from the JDK's poller start-up inside a class
 *       initialiser, from the monitor unblocker or a timer thread, while another thread builds
 *       the global scheduler and waits for one of those. Until the engine is bound a task goes to
 *       {@code early}; the first such task starts one platform thread, {@code weft-start}, that
 *       builds the global scheduler (which binds this face).</li>
 *   <li>No task in {@code early} is stranded: a submitter adds its task, then reads
 *       {@code sched}; {@link #bind} writes {@code sched}, then drains. Either the submitter sees
 *       the engine and drains itself, or the drain that follows the write sees its task (both
 *       sides are sequentially consistent: a CAS in the queue, a volatile field).</li>
 * </ul>
 */
public final class JdkScheduler extends ForkJoinPool {
    /** The face weft's agent made the JDK's default scheduler, or null without the agent. */
    private static volatile JdkScheduler jdkDefault;

    private volatile Engine sched;
    /** Tasks submitted before the engine was bound (the JDK default only; else never used). */
    private final ConcurrentLinkedQueue<Runnable> early = new ConcurrentLinkedQueue<>();
    /** Whether a {@code weft-start} thread is building (or has built) the engine. */
    private final AtomicBoolean starting = new AtomicBoolean();
    /**
     * What the first task submitted before binding runs to have the engine built elsewhere; it
     * must not block. Null: start a {@code weft-start} thread that builds the global scheduler.
     */
    private final Runnable startEngine;

    /** The face of an engine that exists. */
    JdkScheduler(Engine sched) {
        super(1);
        this.sched = sched;
        this.startEngine = null;
    }

    /**
     * A face with no engine yet, bound later by {@link #bind}; {@code startEngine} as the field
     * says (tests give their own; null for the JDK default).
     */
    JdkScheduler(Runnable startEngine) {
        super(1);
        this.startEngine = startEngine;
    }

    /**
     * The face the JDK is to use as its default virtual-thread scheduler: bound to
     * {@link GoScheduler#global()} when that is built, on first use. Once per JVM.
     *
     * @return the new face, not yet bound
     * @throws IllegalStateException on a second call
     */
    public static synchronized JdkScheduler newJdkDefault() {
        if (jdkDefault != null) {
            throw new IllegalStateException("weft is already the JDK's default virtual-thread scheduler");
        }
        JdkScheduler face = new JdkScheduler((Runnable) null);
        jdkDefault = face;
        return face;
    }

    /**
     * The JDK default face made by {@link #newJdkDefault()}, if there is one.
     *
     * @return that face, or null if the agent did not make one
     */
    public static JdkScheduler jdkDefault() {
        return jdkDefault;
    }

    /** Whether this face has its engine. */
    boolean isBound() {
        return sched != null;
    }

    /** Gives this face its engine, once, and runs what was submitted before. */
    void bind(Engine engine) {
        Engine s = sched;
        if (s != null) {
            if (s != engine) {
                throw new IllegalStateException("JdkScheduler bound twice: " + s.name() + ", " + engine.name());
            }
            return;
        }
        sched = engine;
        drainEarly(engine);
    }

    /** Every start, unpark and yield of a virtual thread: {@link Engine#execute}. */
    @Override
    public void execute(Runnable task) {
        Engine s = sched;
        if (s != null) {
            s.execute(task);
        } else {
            executeEarly(task);
        }
    }

    /** Before the engine exists: queue the task, and have the engine built (once, elsewhere). */
    private void executeEarly(Runnable task) {
        early.add(task);
        if (starting.compareAndSet(false, true)) {
            if (startEngine != null) {
                startEngine.run();
            } else {
                Thread.ofPlatform().daemon(true).name("weft-start").start(this::startGlobal);
            }
        }
        Engine s = sched;
        if (s != null) {
            drainEarly(s);
        }
    }

    private void startGlobal() {
        try {
            GoScheduler.global(); // binds this face
        } catch (Throwable e) {
            // Settings were checked when the agent started, so this is a resource failure (no
            // thread could start). Keep the tasks: the next submission tries again.
            System.err.println("weft: cannot start the global scheduler, virtual threads wait: " + e);
            starting.set(false);
        }
    }

    private void drainEarly(Engine engine) {
        Runnable t;
        while ((t = early.poll()) != null) {
            engine.execute(t);
        }
    }

    /** The engine for a call that may wait for it to be built (not {@link #execute}). */
    private Engine engine() {
        Engine s = sched;
        if (s == null) {
            GoScheduler.global(); // binds this face, when it is the JDK default's (the agent)
            s = sched;
            if (s == null) { // impossible: only global() and a GoScheduler's constructor build faces
                throw new IllegalStateException(this + " is not bound to an engine");
            }
        }
        return s;
    }

    /** The timer of a timed park: {@link TimerQueue#schedule}. */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return engine().timers().schedule(command, unit.toNanos(delay));
    }

    /** Called by the JDK only on its own carrier threads; here for completeness. */
    @Override
    public <T> java.util.concurrent.ForkJoinTask<T> externalSubmit(java.util.concurrent.ForkJoinTask<T> task) {
        execute(task::invoke);
        return task;
    }

    /** Called by the JDK only on its own carrier threads; here for completeness. */
    @Override
    public <T> java.util.concurrent.ForkJoinTask<T> lazySubmit(java.util.concurrent.ForkJoinTask<T> task) {
        execute(task::invoke);
        return task;
    }

    /** gomaxprocs: what {@code VirtualThreadSchedulerMXBean.getParallelism} shows. */
    @Override
    public int getParallelism() {
        return engine().gomaxprocs();
    }

    /**
     * Sets gomaxprocs, as {@link GoScheduler#gomaxprocs(int)} does (and from then on the CPU
     * limit no longer sizes the scheduler): what {@code VirtualThreadSchedulerMXBean.setParallelism}
     * calls.
     *
     * @return the previous gomaxprocs
     * @throws IllegalArgumentException if {@code size} is not from 1 to {@value GoScheduler#MAX_GOMAXPROCS}
     */
    @Override
    public int setParallelism(int size) {
        if (size < 1 || size > GoScheduler.MAX_GOMAXPROCS) { // one message for both ends, naming the JDK's word
            throw new IllegalArgumentException(
                    "parallelism (gomaxprocs) must be from 1 to " + GoScheduler.MAX_GOMAXPROCS + ", got " + size);
        }
        return engine().resizeExplicitly(size, ResizeEvent.JMX);
    }

    /** Carriers alive (Go's Ms). */
    @Override
    public int getPoolSize() {
        return engine().stats().carriers();
    }

    /** Ps running a virtual thread: {@code gomaxprocs - idle Ps}. */
    @Override
    public int getActiveThreadCount() {
        SchedulerStats st = engine().stats();
        return st.gomaxprocs() - st.idleProcs();
    }

    /** Same as {@link #getActiveThreadCount}. */
    @Override
    public int getRunningThreadCount() {
        return getActiveThreadCount();
    }

    /** Tasks in the Ps' local run queues. */
    @Override
    public long getQueuedTaskCount() {
        SchedulerStats st = engine().stats();
        return st.queuedTasks() - st.globalQueue();
    }

    /** Tasks in the global run queue. */
    @Override
    public int getQueuedSubmissionCount() {
        return engine().stats().globalQueue();
    }

    @Override
    public boolean hasQueuedSubmissions() {
        return getQueuedSubmissionCount() > 0;
    }

    /** Ignored, as for the JDK's default scheduler (and {@code ForkJoinPool.commonPool()}). */
    @Override
    public void shutdown() {}

    /** Ignored, as for {@code ForkJoinPool.commonPool()}: returns an empty list. */
    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    /** Ignored, as for {@code ForkJoinPool.commonPool()}. */
    @Override
    public void close() {}

    @Override
    public boolean isShutdown() {
        Engine s = sched;
        return s != null && s.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        Engine s = sched;
        return s != null && s.isFullyTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return engine().awaitTermination(unit.toNanos(timeout));
    }

    /** What {@code jcmd <pid> Thread.vthread_scheduler} prints: the name and Go's schedtrace line. */
    @Override
    public String toString() {
        Engine s = sched;
        if (s == null) {
            return "GoScheduler weft-global (not started: no virtual thread has run yet)";
        }
        return "GoScheduler " + s.name() + " " + s.stats().schedtrace();
    }
}

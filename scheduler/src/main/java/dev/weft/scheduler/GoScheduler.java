package dev.weft.scheduler;

import dev.weft.scheduler.engine.CpuLimit;
import dev.weft.scheduler.engine.DefaultGomaxprocs;
import dev.weft.scheduler.engine.Engine;
import dev.weft.scheduler.engine.JdkPollers;
import dev.weft.scheduler.engine.JdkScheduler;
import dev.weft.scheduler.engine.ResizeEvent;
import dev.weft.scheduler.engine.SysmonSettings;
import dev.weft.scheduler.engine.VirtualThreads;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A Go-style G-M-P work-stealing scheduler that Java virtual threads use as their carrier
 * scheduler, the way Go's runtime schedules goroutines.
 *
 * <p>It has {@code gomaxprocs} P slots, each with a lock-free local run queue of 256 tasks and a
 * one-task {@code runnext} slot. Carriers (platform threads, Go's Ms) run virtual threads only
 * while they hold a P. A virtual thread woken by another one (an unpark, a channel hand-off)
 * runs next on the waker's P, right after the waker parks: that is where the speed of
 * goroutine-style programs comes from. Idle carriers steal half of a busy P's queue.
 *
 * <pre>{@code
 * try (GoScheduler s = GoScheduler.create(4)) {          // 4 P slots
 *     Thread t = s.go(() -> System.out.println("hello from a goroutine"));
 *     t.join();
 *     try (ExecutorService ex = s.newVirtualThreadPerTaskExecutor()) {
 *         ex.submit(() -> work());
 *     }
 *     s.gomaxprocs(8);                                     // resize live
 * }
 * }</pre>
 *
 * <h2>Default size</h2>
 * {@link #create()} and {@link #global()} size themselves, in this order, from the system
 * property {@code -Dgomaxprocs=N}, the environment variable {@code GOMAXPROCS}, or the
 * container-aware CPU count of Go 1.25: {@code min(CPUs this process may run on,
 * ceil(cgroup CPU quota / period))}, with the quota raised to 2 when it is below 2. A property or
 * variable that is not an integer from 1 to {@value #MAX_GOMAXPROCS} is an error, not a silent
 * fallback.
 *
 * <h2>Inheritance</h2>
 * A virtual thread created with plain {@code Thread.ofVirtual()} (or
 * {@code Executors.newVirtualThreadPerTaskExecutor()}) <em>from a virtual thread of this
 * scheduler</em> runs on this scheduler too: the JDK gives a new virtual thread its parent's
 * scheduler when none is set. From any other thread, those APIs use the JDK's default scheduler;
 * use {@link #go}, {@link #virtualThreadBuilder()} or {@link #virtualThreadFactory()} instead, or
 * run with weft's agent ({@code -javaagent:weft-agent.jar}), which makes {@link #global()} the
 * JDK's default scheduler, so that every virtual thread created without one runs on it.
 *
 * <h2>Requirements</h2>
 * JDK 25 and the JVM flag {@code --add-opens java.base/java.lang=ALL-UNNAMED} (weft's agent opens
 * it by itself; or the module
 * name {@code dev.weft.scheduler} when weft is on the module path); without it every factory
 * method throws {@link IllegalStateException} naming the flag. An executable jar can carry the
 * manifest attribute {@code Add-Opens: java.base/java.lang} instead.
 *
 * <h2>What Java can't do</h2>
 * Java can't preempt a virtual thread that computes without blocking: it keeps its carrier (and
 * its P) until it parks, yields or ends. A chain of hand-offs on one P shares a 10 ms time slice
 * while other virtual threads wait, as in Go.
 *
 * <h2>sysmon</h2>
 * Each scheduler has a monitor thread, {@code <name>-sysmon}, as Go's runtime does:
 * <ul>
 *   <li>it hands the P of a carrier blocked inside a virtual thread (file I/O, native code) to
 *       another carrier after {@code -Dweft.handoff} (20 ms) while work waits, but never the P
 *       of a carrier that is computing (its CPU time says which); {@link #blocking} does the
 *       same at once; carriers never number more than {@code -Dweft.maxthreads} (10000);</li>
 *   <li>{@code -Dgomaxprocs.schedtrace=MS} logs Go's schedtrace line every MS milliseconds
 *       ({@code -Dgomaxprocs.scheddetail=true}: one per P and per carrier too);</li>
 *   <li>it logs Go's "all goroutines are asleep - deadlock!" with every parked thread's stack
 *       ({@code -Dweft.deadlock=fail}: weft channel operations then throw
 *       {@link DeadlockException}; {@code off}: no check);</li>
 *   <li>unless the size was set explicitly, it follows the container's CPU limit, re-read at
 *       most once a second (Go 1.25).</li>
 * </ul>
 * These properties are the defaults of {@link #create()}, {@link #create(int)} and
 * {@link #global()}; {@link #builder()} sets each of them in code instead.
 * Each scheduler is also a JMX MXBean ({@link GoSchedulerMXBean},
 * {@code dev.weft:type=GoScheduler,name=<name>}) and emits the JFR events
 * {@code dev.weft.Handoff} and {@code dev.weft.Resize}.
 */
public final class GoScheduler implements AutoCloseable {
    /** The largest {@code gomaxprocs}: 1024, Go's own limit before 1.10. */
    public static final int MAX_GOMAXPROCS = DefaultGomaxprocs.MAX;

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static volatile GoScheduler global;

    private final Engine sched;
    private final ThreadFactory factory;
    private final boolean isGlobal;

    /**
     * @param cpuLimit where sysmon re-reads the CPU limit, or null when gomaxprocs was set
     *                 explicitly (it then stays as set)
     */
    private GoScheduler(String name, int procs, boolean isGlobal, IntSupplier cpuLimit) {
        this(name, procs, isGlobal, cpuLimit, SysmonSettings.fromSystemProperties());
    }

    private GoScheduler(String name, int procs, boolean isGlobal, IntSupplier cpuLimit, SysmonSettings settings) {
        checkCarriers(procs, cpuLimit != null, settings);
        VirtualThreads.ensureAvailable();
        // Under weft's agent the global scheduler is the JDK's default: its face exists already,
        // and it may be built while the JDK starts its pollers (on it, which is where they
        // belong): waiting for them here could deadlock (see JdkScheduler).
        JdkScheduler jdkDefault = isGlobal ? JdkScheduler.jdkDefault() : null;
        if (jdkDefault == null) {
            JdkPollers.startOutsideWeft();
        }
        // the whole engine, built once (this, its owner, is published to carriers by Thread.start)
        this.sched = Engine.create(name, DefaultGomaxprocs.checkProcs(procs), settings, cpuLimit, jdkDefault, this);
        this.factory = VirtualThreads.builder(sched.jdk()).factory();
        this.isGlobal = isGlobal;
        sched.start(); // MXBean, sysmon, the registry of live schedulers, the JDK face
    }

    /**
     * Every P must be able to have a carrier: {@code maxThreads >= gomaxprocs} at creation
     * (a resize is checked by the engine, and the CPU limit's growth is capped at maxThreads).
     */
    private static void checkCarriers(int procs, boolean followsCpuLimit, SysmonSettings settings) {
        settings.checkCarriersFor(
                procs,
                followsCpuLimit
                        ? "gomaxprocs " + procs + " (the CPU limit now)"
                        : settings.source() == SysmonSettings.Source.BUILDER
                                ? "gomaxprocs(" + procs + ")"
                                : "gomaxprocs " + procs);
    }

    /**
     * The global scheduler's settings as weft's agent read them at JVM start-up: the global
     * scheduler it builds on the first virtual thread uses them, not the system properties of
     * that moment, which the application may have changed (a bad value then would leave every
     * virtual thread of the JVM waiting). Null without the agent.
     *
     * @param procs    {@code -Dgomaxprocs}/{@code GOMAXPROCS}, or 0 to follow the CPU limit
     * @param settings sysmon's settings
     */
    record AgentDefaults(int procs, SysmonSettings settings) {}

    private static volatile AgentDefaults agentDefaults;

    /** Reads and checks the global scheduler's settings now, for the agent; throws as {@link #global()} would. */
    static void freezeDefaultsForAgent() {
        int procs = DefaultGomaxprocs.explicit() ? DefaultGomaxprocs.resolve() : 0;
        SysmonSettings settings = SysmonSettings.fromSystemProperties();
        checkCarriers(
                procs > 0 ? procs : Math.clamp(CpuLimit.containerAwareCpus(), 1, MAX_GOMAXPROCS), procs == 0, settings);
        agentDefaults = new AgentDefaults(procs, settings);
    }

    /**
     * A scheduler sized from the default ({@link DefaultGomaxprocs}): it follows the CPU limit
     * live unless {@code -Dgomaxprocs} or {@code GOMAXPROCS} is set.
     */
    private static GoScheduler createDefault(String name, boolean isGlobal) {
        AgentDefaults frozen = isGlobal ? agentDefaults : null;
        if (frozen != null) {
            return frozen.procs() > 0
                    ? new GoScheduler(name, frozen.procs(), true, null, frozen.settings())
                    : new GoScheduler(
                            name,
                            Math.clamp(CpuLimit.containerAwareCpus(), 1, MAX_GOMAXPROCS),
                            true,
                            CpuLimit::containerAwareCpus,
                            frozen.settings());
        }
        if (DefaultGomaxprocs.explicit()) {
            return new GoScheduler(name, DefaultGomaxprocs.resolve(), isGlobal, null);
        }
        return createFollowing(name, isGlobal, CpuLimit::containerAwareCpus);
    }

    /** A scheduler sized by {@code cpuLimit}, re-read by sysmon at most once a second (tests give their own). */
    static GoScheduler createFollowing(String name, boolean isGlobal, IntSupplier cpuLimit) {
        int procs = Math.clamp(cpuLimit.getAsInt(), 1, MAX_GOMAXPROCS);
        return new GoScheduler(name, procs, isGlobal, cpuLimit);
    }

    /**
     * Creates a scheduler of the default size ({@code -Dgomaxprocs}, {@code GOMAXPROCS}, or the
     * container-aware CPU count).
     *
     * <p>Every setting comes from its system property, read now ({@code -Dweft.handoff},
     * {@code -Dweft.keepalive}, {@code -Dweft.maxthreads}, {@code -Dweft.deadlock},
     * {@code -Dgomaxprocs.schedtrace}, {@code -Dgomaxprocs.scheddetail}; see {@link Builder}):
     * it is {@link #builder()} with each set setting taken from its property. To set them in
     * code, use {@link #builder()}.
     *
     * @return a new running scheduler; thread-safe; close it when done to end its carriers
     * @throws IllegalStateException if {@code java.lang} is not open to weft, a property is not
     *                               valid ({@code -Dgomaxprocs} / {@code GOMAXPROCS} included),
     *                               or {@code -Dweft.maxthreads} is below the size (a P would
     *                               never have a carrier)
     */
    public static GoScheduler create() {
        VirtualThreads.ensureAvailable();
        DefaultGomaxprocs.resolve(); // a bad -Dgomaxprocs / GOMAXPROCS fails here, named
        return createDefault("weft-" + SEQ.incrementAndGet(), false);
    }

    /**
     * Creates a scheduler with {@code gomaxprocs} P slots. Carriers start lazily, on demand.
     *
     * @param gomaxprocs the number of P slots, from 1 to {@value #MAX_GOMAXPROCS}
     * @return a new running scheduler; thread-safe; close it when done
     * @throws IllegalArgumentException if {@code gomaxprocs} is out of range ({@code gomaxprocs(0) is
     *                                  not valid: gomaxprocs (-Dgomaxprocs, GOMAXPROCS) must be an
     *                                  integer from 1 to 1024})
     * @throws IllegalStateException    if {@code java.lang} is not open to weft, a sysmon property
     *                                  is not valid, or {@code -Dweft.maxthreads} is below
     *                                  {@code gomaxprocs}
     */
    public static GoScheduler create(int gomaxprocs) {
        return new GoScheduler("weft-" + SEQ.incrementAndGet(), DefaultGomaxprocs.checkProcs(gomaxprocs), false, null);
    }

    /**
     * A new builder of schedulers, for setting in code what the system properties set for
     * {@link #create()}: size, name, and sysmon's hand-off threshold, keep-alive, carrier limit,
     * deadlock mode and schedtrace, as a {@code ForkJoinPool} takes its settings in its
     * constructor.
     *
     * <pre>{@code
     * try (GoScheduler s = GoScheduler.builder()
     *         .gomaxprocs(4)                                  // GOMAXPROCS=4
     *         .name("io")                                     // carriers io-carrier-N
     *         .handoffThreshold(Duration.ofMillis(5))         // -Dweft.handoff=5ms
     *         .deadlockMode(DeadlockMode.FAIL)                // -Dweft.deadlock=fail
     *         .build()) {
     *     s.go(() -> work()).join();
     * }
     * }</pre>
     *
     * <p>A builder starts from the built-in defaults, never from system properties or
     * {@code GOMAXPROCS}: code that sets a builder gets the same scheduler on every JVM. The
     * properties are the defaults of {@link #create()} and {@link #global()} only;
     * {@code create()} is a builder with every setting taken from its property.
     *
     * @return a new builder with every setting at its default; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide scheduler, created on first use with the default size. Its carriers are
     * daemon threads; it is never closed ({@link #close()} throws).
     *
     * @return the global scheduler, the same object on every call; thread-safe
     * @throws IllegalStateException if {@code java.lang} is not open to weft, the default
     *                               size or a sysmon property is not valid, or
     *                               {@code -Dweft.maxthreads} is below the size (on every call,
     *                               not only the first)
     */
    public static GoScheduler global() {
        GoScheduler g = global;
        if (g == null) {
            synchronized (GoScheduler.class) {
                g = global;
                if (g == null) {
                    VirtualThreads.ensureAvailable();
                    if (agentDefaults == null) {
                        DefaultGomaxprocs.resolve();
                    }
                    g = createDefault("weft-global", true);
                    global = g;
                }
            }
        }
        return g;
    }

    /**
     * The scheduler running the current virtual thread, if it is a {@code GoScheduler}.
     *
     * @return the current scheduler, or empty on a platform thread or another scheduler
     */
    public static Optional<GoScheduler> current() {
        if (!Thread.currentThread().isVirtual()) {
            return Optional.empty();
        }
        VirtualThreads.ensureAvailable();
        return Engine.currentOwner() instanceof GoScheduler s ? Optional.of(s) : Optional.empty();
    }

    /**
     * Starts a virtual thread (a goroutine) on this scheduler.
     *
     * <pre>{@code Thread t = scheduler.go(() -> work()); t.join();}</pre>
     *
     * @param task what the virtual thread runs
     * @return the started virtual thread
     * @throws RejectedExecutionException if the scheduler is closed
     */
    public Thread go(Runnable task) {
        Objects.requireNonNull(task, "task");
        Thread t = factory.newThread(task);
        t.start();
        return t;
    }

    /**
     * A new executor that starts a virtual thread on this scheduler for each task: the drop-in
     * for {@link Executors#newVirtualThreadPerTaskExecutor()}. Closing it waits for its tasks,
     * not for the scheduler.
     *
     * @return a new executor; thread-safe, as every {@link ExecutorService}
     */
    public ExecutorService newVirtualThreadPerTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(factory);
    }

    /**
     * A new builder of virtual threads that run on this scheduler (name, inheritance of thread
     * locals and the uncaught-exception handler are set on it as usual).
     *
     * @return a new builder, not thread-safe (as every {@link Thread.Builder}); the threads it
     *         starts run on this scheduler
     */
    public Thread.Builder.OfVirtual virtualThreadBuilder() {
        return VirtualThreads.builder(sched.jdk());
    }

    /**
     * A thread-safe factory of (unstarted) virtual threads that run on this scheduler.
     *
     * @return this scheduler's factory, the same object on every call; a thread it makes fails to start
     *         ({@link RejectedExecutionException}) once the scheduler is shut down
     */
    public ThreadFactory virtualThreadFactory() {
        return factory;
    }

    /**
     * Sets the number of P slots while the scheduler runs, as Go's {@code runtime.GOMAXPROCS(n)}.
     * Growing adds idle Ps; shrinking moves the removed Ps' queued tasks to the global queue, and
     * carriers holding a removed P give it back at their next schedule point. No task is lost.
     *
     * @param n the new size; {@code n < 1} only queries, as in Go (also once closed)
     * @return the previous size
     * @throws IllegalArgumentException if {@code n > }{@value #MAX_GOMAXPROCS}, or above the
     *                                  scheduler's carrier limit ({@code maxThreads},
     *                                  {@code -Dweft.maxthreads}): a P would never have a carrier
     * @throws IllegalStateException    if {@code n >= 1} after {@link #shutdown()} or
     *                                  {@link #close()}: a closed scheduler keeps its size
     */
    public int gomaxprocs(int n) {
        if (n < 1) {
            return sched.gomaxprocs();
        }
        return resize(DefaultGomaxprocs.checkProcs(n), ResizeEvent.API);
    }

    /** A resize by hand: from now on the CPU limit no longer sizes this scheduler. */
    int resize(int n, String reason) {
        return sched.resizeExplicitly(n, reason);
    }

    /**
     * Runs {@code body}, which is about to block its thread (file I/O, a native call, a lock
     * held by a platform thread), after handing the caller's P to another carrier, as Go does
     * for a system call it knows will block ({@code entersyscallblock}). The other virtual
     * threads keep all {@code gomaxprocs} Ps meanwhile. When {@code body} returns, the caller
     * takes an idle P if there is one; else it yields and runs again when a P is free.
     *
     * <pre>{@code
     * String text = GoScheduler.blocking(() -> Files.readString(path));   // file I/O pins the carrier
     * }</pre>
     *
     * <p>Without it, sysmon does the same after {@code -Dweft.handoff} (20 ms) of no progress,
     * if work is waiting. On a platform thread, or a virtual thread of another scheduler, this
     * just runs {@code body}. Costs two lock acquisitions, and a carrier start when no spare is
     * idle: use it around calls that really block, not around every read of a cached file.
     *
     * @param body what blocks
     * @param <T>  what it returns
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw
     */
    public static <T> T blocking(Callable<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        if (!Thread.currentThread().isVirtual()) {
            return body.call();
        }
        VirtualThreads.ensureAvailable();
        Engine s = Engine.enterBlocking(); // Go's entersyscallblock: the P goes to another carrier
        if (s == null) {
            return body.call(); // another scheduler, or already without a P (nested)
        }
        try {
            return body.call();
        } finally {
            Engine.exitBlocking(s); // Go's exitsyscall: an idle P, or a yield until one is free
        }
    }

    /**
     * The current number of P slots.
     *
     * @return the current size, from 1 to {@value #MAX_GOMAXPROCS}
     */
    public int gomaxprocs() {
        return sched.gomaxprocs();
    }

    /**
     * Virtual threads started on this scheduler and not yet terminated (Go's NumGoroutine).
     *
     * @return the count now, 0 or more; may be stale at once
     */
    public long numGoroutine() {
        return sched.liveGoroutines();
    }

    /**
     * A snapshot of the scheduler's state: see {@link SchedulerStats}.
     *
     * @return a new snapshot; immutable, its figures read one by one without stopping the scheduler
     */
    public SchedulerStats stats() {
        return sched.stats();
    }

    /**
     * This scheduler's name ({@code weft-N}, or {@code weft-global}); its carriers are named after it.
     *
     * @return the name, never null; fixed at creation
     */
    public String name() {
        return sched.name();
    }

    /**
     * Stops accepting new virtual threads; the running and parked ones go on to the end, and then
     * the carriers exit. Does not wait. Starting a virtual thread afterwards throws
     * {@link RejectedExecutionException}.
     *
     * @throws UnsupportedOperationException on the {@linkplain #global() global} scheduler
     */
    public void shutdown() {
        if (isGlobal) {
            throw new UnsupportedOperationException("the global GoScheduler is never closed");
        }
        sched.shutdown();
    }

    /**
     * Waits until the scheduler is shut down, every virtual thread ended and the carriers exited.
     *
     * @param timeout the longest wait; zero or negative only checks; converted to nanoseconds, saturating
     * @return true if terminated, false if the timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return sched.awaitTermination(TimeUnit.NANOSECONDS.convert(timeout)); // saturates, never overflows
    }

    /**
     * True after {@link #shutdown()} or {@link #close()}.
     *
     * @return true once shut down; never false again
     */
    public boolean isShutdown() {
        return sched.isShutdown();
    }

    /**
     * True when shut down, every virtual thread of this scheduler has ended and its carriers
     * have exited: exactly when {@link #awaitTermination} returns true, as
     * {@link ExecutorService#isTerminated()} agrees with its {@code awaitTermination}.
     *
     * @return true once terminated; never false again
     */
    public boolean isTerminated() {
        return sched.isFullyTerminated();
    }

    /**
     * Shuts down and waits for every virtual thread of this scheduler to end, like
     * {@link ExecutorService#close()}. If interrupted while waiting, it keeps waiting and
     * restores the interrupt status when done. Safe from any thread, virtual threads of other
     * schedulers included, and from many at once.
     *
     * @throws UnsupportedOperationException on the {@linkplain #global() global} scheduler
     * @throws IllegalStateException         on a virtual thread of this scheduler, which would
     *                                       wait for itself forever (nothing is shut down then:
     *                                       call {@link #shutdown()} there instead)
     */
    @Override
    public void close() {
        if (isGlobal) {
            throw new UnsupportedOperationException("the global GoScheduler is never closed");
        }
        if (current().orElse(null) == this) {
            throw new IllegalStateException("close() on a virtual thread of " + sched.name()
                    + " would wait for itself to end, forever: call shutdown() there, and close() or"
                    + " awaitTermination(...) from a thread outside " + sched.name());
        }
        shutdown();
        boolean interrupted = false;
        for (; ; ) {
            try {
                sched.awaitTermination();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GoScheduler[" + sched.name() + " " + sched.stats() + "]";
    }

    /**
     * The settings of a new {@link GoScheduler}, each with a setter that checks it at once
     * (throwing {@link IllegalArgumentException} that names the setting, the value, the system
     * property it stands for and the allowed range, the same rule as the property's), and
     * {@link #build()}. Unset settings keep the built-in default, whatever the system properties
     * say:
     *
     * <table>
     *   <caption>Settings, their defaults and the properties {@code create()} reads instead</caption>
     *   <tr><th>setter</th><th>default</th><th>property</th><th>Go / JDK</th></tr>
     *   <tr><td>{@link #gomaxprocs}</td><td>the container-aware CPU count, followed live</td>
     *       <td>{@code -Dgomaxprocs}, {@code GOMAXPROCS}</td><td>{@code GOMAXPROCS}; FJP's parallelism</td></tr>
     *   <tr><td>{@link #name}</td><td>{@code weft-N}</td><td>none</td><td>FJP's thread factory names</td></tr>
     *   <tr><td>{@link #handoffThreshold}</td><td>20 ms</td><td>{@code -Dweft.handoff}</td><td>sysmon's {@code retake}</td></tr>
     *   <tr><td>{@link #keepAlive}</td><td>30 s</td><td>{@code -Dweft.keepalive}</td><td>FJP's {@code keepAliveTime}</td></tr>
     *   <tr><td>{@link #maxThreads}</td><td>10000</td><td>{@code -Dweft.maxthreads}</td><td>{@code debug.SetMaxThreads}; FJP's {@code maximumPoolSize}</td></tr>
     *   <tr><td>{@link #deadlockMode}</td><td>{@link DeadlockMode#LOG}</td><td>{@code -Dweft.deadlock}</td><td>"all goroutines are asleep"</td></tr>
     *   <tr><td>{@link #schedtrace}</td><td>off</td><td>{@code -Dgomaxprocs.schedtrace}</td><td>{@code GODEBUG=schedtrace=X}</td></tr>
     *   <tr><td>{@link #scheddetail}</td><td>false</td><td>{@code -Dgomaxprocs.scheddetail}</td><td>{@code GODEBUG=scheddetail=1}</td></tr>
     * </table>
     *
     * <p>Not thread-safe (confine a builder to one thread, as a {@link Thread.Builder}); it may
     * build any number of schedulers, each a copy of its settings at the time of {@code build()}.
     */
    public static final class Builder {
        private static final SysmonSettings DEFAULTS = SysmonSettings.defaults();

        private int procs; // 0: follow the CPU limit
        private String name; // null: weft-N
        private long handoffNanos = DEFAULTS.handoffNanos();
        private long keepAliveNanos = DEFAULTS.keepAliveNanos();
        private int maxThreads = DEFAULTS.maxThreads();
        private DeadlockMode deadlock = DeadlockMode.valueOf(DEFAULTS.deadlock().name());
        private long schedtraceMillis = DEFAULTS.schedtraceMillis();
        private boolean scheddetail = DEFAULTS.scheddetail();
        private IntSupplier cpuLimit = CpuLimit::containerAwareCpus;

        private Builder() {}

        /**
         * The number of P slots, fixed: Go's {@code GOMAXPROCS}, {@code ForkJoinPool}'s
         * parallelism. It can still be changed later with {@link GoScheduler#gomaxprocs(int)}.
         * Unset, the scheduler is sized by the container-aware CPU count (see
         * {@link GoScheduler}, "Default size") and follows it as it changes (Go 1.25), but
         * {@code -Dgomaxprocs} and {@code GOMAXPROCS} are not read.
         *
         * @param gomaxprocs from 1 to {@value GoScheduler#MAX_GOMAXPROCS}
         * @return this builder
         * @throws IllegalArgumentException if out of range ({@code gomaxprocs(0) is not valid: gomaxprocs
         *                                  (-Dgomaxprocs, GOMAXPROCS) must be an integer from 1 to 1024})
         */
        public Builder gomaxprocs(int gomaxprocs) {
            this.procs = DefaultGomaxprocs.checkProcs(gomaxprocs);
            return this;
        }

        /**
         * The scheduler's name: its carriers are {@code <name>-carrier-N}, its monitor
         * {@code <name>-sysmon}, its MXBean {@code dev.weft:type=GoScheduler,name=<name>} (quoted
         * when needed); it starts every log line of the scheduler. Unset: {@code weft-N}, N
         * counting the schedulers of this JVM.
         *
         * <p>Names need not be unique, and are not made so: a second live scheduler of the same
         * name runs as well, but is <b>not registered with JMX</b> (a WARN is logged, and only
         * the first shows in JConsole) and its threads' names repeat the first one's. Give each
         * live scheduler its own name to tell them apart.
         *
         * @param name not blank, and without ISO control characters (a newline would split
         *             log lines)
         * @return this builder
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is empty, only white space, or has
         *                                  a control character (shown escaped, {@code \n})
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("name(\"" + escape(name) + "\") is not valid: a scheduler's name"
                        + " must not have control characters (they would break its log lines): remove them");
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException(
                        "name(\"" + name + "\") is not valid: a scheduler's name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * How long a P may go without scheduling progress, its carrier blocked (in file I/O,
         * native code; asleep and not using the CPU) while work waits, before sysmon hands the P
         * to another carrier: Go's sysmon {@code retake} of a P in a system call
         * ({@code -Dweft.handoff}). {@link GoScheduler#blocking} hands the P on at once whatever
         * this says.
         *
         * @param threshold from 100 us to 1 h, or {@link Duration#ZERO} to turn sysmon's hand-offs
         *                  off; default 20 ms
         * @return this builder
         * @throws NullPointerException     if {@code threshold} is null
         * @throws IllegalArgumentException if out of range, e.g. {@code handoffThreshold(10us) is not
         *                                  valid: weft.handoff must be a duration from 100us to 1h, or off (Duration.ZERO)}
         */
        public Builder handoffThreshold(Duration threshold) {
            this.handoffNanos = SysmonSettings.checkHandoff("handoffThreshold", threshold);
            return this;
        }

        /**
         * How long a carrier beyond {@code gomaxprocs} (a spare left by blocking hand-offs) waits
         * idle before it exits: {@code ForkJoinPool}'s {@code keepAliveTime}, which the JDK's
         * virtual-thread scheduler sets to 30 s ({@code -Dweft.keepalive}). Go keeps its Ms forever.
         *
         * @param keepAlive from 100 ms to 1 h; default 30 s
         * @return this builder
         * @throws NullPointerException     if {@code keepAlive} is null
         * @throws IllegalArgumentException if out of range (zero included)
         */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAliveNanos = SysmonSettings.checkKeepAlive("keepAlive", keepAlive);
            return this;
        }

        /**
         * The most carriers (platform threads) the scheduler runs at once, spares for blocked
         * carriers included: Go's {@code debug.SetMaxThreads} ({@code -Dweft.maxthreads}). When
         * it is reached, hand-offs wait for a carrier to come back rather than start one.
         *
         * It must be at least {@code gomaxprocs}, as each running P holds a carrier:
         * {@link #build()} checks it, {@link GoScheduler#gomaxprocs(int)} refuses to grow past
         * it, and the CPU limit a scheduler follows is capped at it.
         *
         * @param maxThreads from 1 to {@link Integer#MAX_VALUE}; default 10000, Go's
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxThreads(int maxThreads) {
            this.maxThreads = SysmonSettings.checkMaxThreads("maxThreads", maxThreads);
            return this;
        }

        /**
         * What sysmon does when every virtual thread of the scheduler is asleep and nothing can
         * wake them: Go's "all goroutines are asleep - deadlock!" ({@code -Dweft.deadlock}).
         *
         * @param mode the mode; default {@link DeadlockMode#LOG}
         * @return this builder
         * @throws NullPointerException if {@code mode} is null
         */
        public Builder deadlockMode(DeadlockMode mode) {
            this.deadlock = Objects.requireNonNull(mode, "deadlockMode");
            return this;
        }

        /**
         * How often sysmon logs (at INFO) Go's schedtrace line, {@code SCHED 1000ms: gomaxprocs=4
         * idleprocs=...}: Go's {@code GODEBUG=schedtrace=X} ({@code -Dgomaxprocs.schedtrace=X},
         * in milliseconds).
         *
         * @param period whole milliseconds from 1 ms to 24 h, or {@link Duration#ZERO} for none;
         *               default none
         * @return this builder
         * @throws NullPointerException     if {@code period} is null
         * @throws IllegalArgumentException if negative, over a day, or not whole milliseconds
         */
        public Builder schedtrace(Duration period) {
            this.schedtraceMillis = SysmonSettings.checkSchedtrace("schedtrace", period);
            return this;
        }

        /**
         * Whether each schedtrace line is followed by a line per P and per carrier: Go's
         * {@code GODEBUG=scheddetail=1} ({@code -Dgomaxprocs.scheddetail=true}). Without a
         * {@link #schedtrace} period it prints nothing.
         *
         * @param scheddetail true for the detail; default false
         * @return this builder
         */
        public Builder scheddetail(boolean scheddetail) {
            this.scheddetail = scheddetail;
            return this;
        }

        /** {@code s} with each ISO control character as a Java escape ({@code \n}; others as a Java unicode escape). */
        private static String escape(String s) {
            StringBuilder sb = new StringBuilder(s.length() + 8);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (Character.isISOControl(c)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.toString();
        }

        /** Where an unsized scheduler reads the CPU limit (tests give their own). */
        Builder cpuLimit(IntSupplier cpuLimit) {
            this.cpuLimit = Objects.requireNonNull(cpuLimit, "cpuLimit");
            return this;
        }

        /** sysmon's settings as set so far. */
        SysmonSettings settings() {
            return new SysmonSettings(
                    handoffNanos,
                    maxThreads,
                    schedtraceMillis,
                    scheddetail,
                    SysmonSettings.DeadlockMode.of(deadlock),
                    keepAliveNanos,
                    SysmonSettings.Source.BUILDER);
        }

        /**
         * Creates and starts a scheduler with these settings; carriers start lazily, on demand.
         *
         * @return a new running scheduler; thread-safe; close it when done to end its carriers
         * @throws IllegalArgumentException if {@link #maxThreads} is below {@link #gomaxprocs}
         *                                  (unsized: below the CPU limit now, which it then
         *                                  caps as it grows): a P would never have a carrier
         * @throws IllegalStateException    if {@code java.lang} is not open to weft (see
         *                                  {@link GoScheduler}, "Requirements")
         */
        public GoScheduler build() {
            String n = name != null ? name : "weft-" + SEQ.incrementAndGet();
            SysmonSettings settings = settings();
            if (procs > 0) {
                return new GoScheduler(n, procs, false, null, settings);
            }
            IntSupplier limit = cpuLimit;
            return new GoScheduler(n, Math.clamp(limit.getAsInt(), 1, MAX_GOMAXPROCS), false, limit, settings);
        }
    }

    /** The engine, for code of this package (tests). */
    Engine scheduler() {
        return sched;
    }
}

package dev.weft.scheduler.engine;

import dev.weft.scheduler.GoScheduler;
import dev.weft.scheduler.SchedulerStats;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * What the API package ({@link GoScheduler}, {@code Goroutines}) sees of a scheduler's engine:
 * the engine itself ({@link CarrierScheduler}) stays package-private, and so do its parts. See
 * {@code docs/architecture.md} for the whole picture.
 *
 * <p>Thread-safety: every method is safe from any thread; those that take the engine's lock
 * pin a calling virtual thread to its carrier meanwhile (see {@link CarrierScheduler}).
 */
public interface Engine extends Executor, SchedulerMBean.View {
    /**
     * Builds an engine and its whole object graph (Ps, sysmon, deadlock watch, MXBean); nothing
     * runs until {@link #start}.
     *
     * @param name     the scheduler's name (threads are named after it)
     * @param procs    gomaxprocs, 1 to {@value DefaultGomaxprocs#MAX}, already checked
     * @param settings sysmon's settings
     * @param cpuLimit where sysmon re-reads the CPU limit; null: gomaxprocs was set explicitly
     * @param face     the JDK default's face made by weft's agent, bound once the engine runs;
     *                 null: a face of its own
     * @param owner    the public face ({@link GoScheduler}), returned by {@link #currentOwner};
     *                 the engine never calls it
     * @return the new engine, not started
     */
    static Engine create(
            String name, int procs, SysmonSettings settings, IntSupplier cpuLimit, JdkScheduler face, Object owner) {
        return new CarrierScheduler(name, procs, settings, cpuLimit, face, owner);
    }

    /**
     * The owner given to {@link #create} of the engine whose carrier runs the current virtual
     * thread, or null (a platform thread, another scheduler's virtual thread).
     *
     * @return that owner, or null; never blocks
     */
    static Object currentOwner() {
        return CarrierScheduler.currentOwner();
    }

    /**
     * Go's {@code entersyscallblock}, for {@link GoScheduler#blocking}: hands the P of the
     * carrier under the current virtual thread on. Returns the engine to pass to
     * {@link #exitBlocking}, or null when there was nothing to hand on (not a weft carrier, no
     * P, or not inside a task).
     *
     * @return the engine whose P was handed on, or null if none was
     */
    static Engine enterBlocking() {
        return CarrierScheduler.enterBlocking();
    }

    /**
     * Go's {@code exitsyscall}: takes an idle P for the current virtual thread, else yields so
     * that it runs again only once a P is free.
     *
     * @param engine what {@link #enterBlocking} returned (not null)
     */
    static void exitBlocking(Engine engine) {
        CarrierScheduler.exitBlocking((CarrierScheduler) engine);
    }

    /**
     * Queues a task: a virtual thread's continuation from its {@link JdkScheduler}, or a plain
     * task. Never blocks.
     *
     * @throws java.util.concurrent.RejectedExecutionException for a new virtual thread or plain
     *         task after {@link #shutdown}
     */
    @Override
    void execute(Runnable task);

    /** Starts the engine, once: registers its MXBean if JMX is up, starts sysmon, binds its JDK face. */
    void start();

    /**
     * What the JDK's virtual threads of this engine are given as their scheduler.
     *
     * @return this engine's JDK face; the same one for the engine's life
     */
    JdkScheduler jdk();

    /**
     * The timers of this engine's timed parks ({@link JdkScheduler#schedule}); stopped at termination.
     *
     * @return this engine's timer queue; the same one for the engine's life
     */
    TimerQueue timers();

    /**
     * The owner given to {@link #create}.
     *
     * @return the public face, never called by the engine
     */
    Object owner();

    /**
     * Go's {@code GOMAXPROCS(n)} by hand (API, JMX): from now on the CPU limit no longer sizes
     * this engine.
     *
     * @param n      the new size, 1 to {@value DefaultGomaxprocs#MAX}, already checked
     * @param reason {@link ResizeEvent#API} or {@link ResizeEvent#JMX}, for logs and JFR
     * @return the previous size
     */
    int resizeExplicitly(int n, String reason);

    /**
     * Started-but-unfinished virtual threads and queued plain tasks.
     *
     * @return their count, {@code >= 0}; a racy snapshot, exact only once nothing starts any more
     */
    long liveGoroutines();

    /** Rejects new virtual threads from now on; terminates once every goroutine ended. */
    void shutdown();

    /**
     * Whether {@link #shutdown} was called (Go has none; {@code ExecutorService}'s rule).
     *
     * @return true once this engine rejects new virtual threads
     */
    boolean isShutdown();

    /**
     * Terminated, every carrier gone, the MXBean unregistered.
     *
     * @return true once all of that holds; it then holds for good
     */
    boolean isFullyTerminated();

    /**
     * Waits up to {@code nanos} for {@link #isFullyTerminated}.
     *
     * @param nanos how long to wait at most, in nanoseconds; 0 or less: do not wait
     * @return true if it is fully terminated, false if the time ran out first
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    boolean awaitTermination(long nanos) throws InterruptedException;

    /**
     * Waits, without a time limit, for {@link #isFullyTerminated}.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    void awaitTermination() throws InterruptedException;

    @Override
    SchedulerStats stats();
}

package dev.weft.scheduler.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/**
 * What weft's agent ({@code weft-agent.jar}) needs from the scheduler: the {@link ForkJoinPool}
 * it makes the JDK's default virtual-thread scheduler, and the check of weft's settings it runs
 * before it changes anything.
 *
 * <p><b>Internal:</b> public only so that the agent can reach it. Users must not call it; it may
 * change or disappear in any release. The scheduler package registers the implementation when
 * its class {@code AgentHooks} is initialised (the JDK's {@code SharedSecrets} pattern).
 */
public final class AgentSupport {
    private AgentSupport() {}

    /** Implemented in the scheduler package. */
    public interface Hooks {
        /**
         * See {@link AgentSupport#newJdkDefaultScheduler()}.
         *
         * @return the JDK's default virtual-thread scheduler, a face of the global scheduler
         */
        ForkJoinPool newJdkDefaultScheduler();

        /** See {@link AgentSupport#checkSettings()}. */
        void checkSettings();

        /**
         * See {@link AgentSupport#checkInstalled(ForkJoinPool)}.
         *
         * @param pool what {@link #newJdkDefaultScheduler()} returned
         */
        void checkInstalled(ForkJoinPool pool);

        /**
         * See {@link AgentSupport#knownQueuedWork()}.
         *
         * @return the probe; never null, never blocks
         */
        BooleanSupplier knownQueuedWork();
    }

    private static volatile Hooks hooks;

    /**
     * Registers the implementation; called once, by the scheduler package.
     *
     * @param h the implementation
     * @throws IllegalStateException on a second call
     */
    public static synchronized void register(Hooks h) {
        if (hooks != null) {
            throw new IllegalStateException("AgentSupport hooks registered twice");
        }
        hooks = h;
    }

    private static Hooks hooks() {
        if (hooks == null) {
            try {
                Class.forName("dev.weft.scheduler.AgentHooks", true, AgentSupport.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("weft's scheduler classes are incomplete: " + e, e);
            }
        }
        return hooks;
    }

    /**
     * The pool the JDK is to use as {@code VirtualThread.DEFAULT_SCHEDULER}: a face of
     * {@code GoScheduler.global()}, which is built on the first virtual thread (not now). Its
     * {@code execute} never blocks. Once per JVM.
     *
     * @return the pool; never null
     * @throws IllegalStateException on a second call, or if weft cannot plug into this JDK
     */
    public static ForkJoinPool newJdkDefaultScheduler() {
        return hooks().newJdkDefaultScheduler();
    }

    /**
     * Checks {@code -Dgomaxprocs}, {@code GOMAXPROCS} and the {@code weft.*} and
     * {@code gomaxprocs.*} properties, as {@code GoScheduler.global()} would, and keeps them: the
     * global scheduler, built on the first virtual thread, uses these values, not the properties
     * of that moment.
     *
     * @throws IllegalArgumentException or {@link IllegalStateException} with the same message
     *                                  {@code GoScheduler.global()} would give
     */
    public static void checkSettings() {
        hooks().checkSettings();
    }

    /**
     * Initialises the JDK's virtual threads and checks that weft can plug into them and that
     * {@code pool} is their default scheduler. Starts no virtual thread on {@code pool}.
     *
     * @param pool what {@link #newJdkDefaultScheduler()} returned
     * @throws IllegalStateException naming what is missing, or the scheduler the JDK has instead
     */
    public static void checkInstalled(ForkJoinPool pool) {
        hooks().checkInstalled(pool);
    }

    /**
     * What the agent's patch of {@code ForkJoinWorkerThread.hasKnownQueuedWork()} asks first:
     * true when the calling virtual thread runs on a weft carrier whose P has other work queued
     * (its {@code runnext}, its local run queue or the global one), so that the JDK's hand-off
     * queues ({@code SynchronousQueue}, {@code LinkedTransferQueue}, {@code Exchanger}) park at
     * once instead of spinning while the partner they just woke waits for this carrier. False on
     * any other thread. Never blocks; safe from any thread.
     *
     * @return the probe; never null
     */
    public static BooleanSupplier knownQueuedWork() {
        return hooks().knownQueuedWork();
    }
}

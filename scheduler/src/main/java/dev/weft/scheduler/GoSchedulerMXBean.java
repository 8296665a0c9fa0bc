package dev.weft.scheduler;

/**
 * The JMX management interface of a {@link GoScheduler}: the figures of {@link SchedulerStats}
 * as read-only attributes, and {@code Gomaxprocs} read/write, as Go's
 * {@code runtime.GOMAXPROCS(n)}.
 *
 * <p>A scheduler registers under {@code dev.weft:type=GoScheduler,name=<scheduler name>}. Each
 * attribute is read from a fresh {@link GoScheduler#stats()} snapshot, so two attributes read
 * one after the other may come from different moments.
 *
 * <p>An MXBean interface, so any JMX client (JConsole, VisualVM, jmxterm) can read it with open
 * types only; it must stay public for the platform MBeanServer to introspect it.
 */
public interface GoSchedulerMXBean {

    /**
     * The scheduler's name ({@code weft-N}, or {@code weft-global}).
     *
     * @return the scheduler's name; fixed at creation
     */
    String getName();

    /**
     * The number of P slots, as {@link GoScheduler#gomaxprocs()}.
     *
     * @return the current size
     */
    int getGomaxprocs();

    /**
     * Resizes the scheduler while it runs, as {@link GoScheduler#gomaxprocs(int)}; unlike it, a
     * value below 1 is an error, not a query (a JMX write that changes nothing would be a trap).
     *
     * @param gomaxprocs the new size, from 1 to {@value GoScheduler#MAX_GOMAXPROCS}
     * @throws IllegalArgumentException if {@code gomaxprocs} is out of that range
     */
    void setGomaxprocs(int gomaxprocs);

    /**
     * Ps that no carrier holds ({@link SchedulerStats#idleProcs()}; schedtrace's {@code idleprocs}).
     *
     * @return the number of idle Ps, from 0 to gomaxprocs
     */
    int getIdleProcs();

    /**
     * Carrier threads alive, idle ones included ({@link SchedulerStats#carriers()}; schedtrace's {@code threads}).
     *
     * @return the number of carrier threads, 0 or more
     */
    int getThreads();

    /**
     * Carriers looking for work to steal ({@link SchedulerStats#spinning()}; schedtrace's {@code spinningthreads}).
     *
     * @return the number of spinning carriers, 0 or more
     */
    int getSpinningThreads();

    /**
     * Carriers parked without a P ({@link SchedulerStats#idleCarriers()}; schedtrace's {@code idlethreads}).
     *
     * @return the number of idle carriers, 0 or more
     */
    int getIdleThreads();

    /**
     * Tasks in the global run queue ({@link SchedulerStats#globalQueue()}; schedtrace's {@code runqueue}).
     *
     * @return the global queue length, 0 or more
     */
    int getRunQueue();

    /**
     * Tasks in each P's local run queue, {@code runnext} included, by P id ({@link SchedulerStats#localQueues()}).
     *
     * @return a new array with one length per P, indexed by P id
     */
    int[] getLocalRunQueues();

    /**
     * Successful steals since the scheduler started ({@link SchedulerStats#steals()}).
     *
     * @return the steal count, 0 or more, never decreasing
     */
    long getSteals();

    /**
     * Virtual threads started on the scheduler and not yet terminated ({@link SchedulerStats#liveGoroutines()}).
     *
     * @return the live virtual thread count, 0 or more
     */
    long getGoroutines();

    /**
     * Ps handed from a blocked carrier to another one since the scheduler started ({@link SchedulerStats#handoffs()}).
     *
     * @return the hand-off count, 0 or more, never decreasing
     */
    long getHandoffs();

    /**
     * Times sysmon found every virtual thread of the scheduler asleep ({@link SchedulerStats#deadlockReports()}).
     *
     * @return the deadlock report count, 0 or more, never decreasing
     */
    long getDeadlockReports();

    /**
     * Go's {@code GODEBUG=schedtrace} line for the scheduler now ({@link SchedulerStats#schedtrace()}).
     *
     * @return one schedtrace line, without a trailing newline
     */
    String getSchedtrace();
}

package dev.weft.scheduler;

import java.util.Arrays;
import java.util.Objects;

/**
 * A snapshot of a {@link GoScheduler}'s state, the figures of Go's {@code GODEBUG=schedtrace}.
 * Fields are read without stopping the scheduler, so they are consistent one by one, not as a
 * whole.
 *
 * <pre>{@code
 * SchedulerStats st = scheduler.stats();
 * System.out.println(st);   // gomaxprocs=4 idleprocs=2 threads=3 spinningthreads=0 idlethreads=1 runqueue=0 [0 1 0 0] steals=12 goroutines=5
 * }</pre>
 *
 * @param gomaxprocs      the number of P slots
 * @param idleProcs       Ps that no carrier holds
 * @param carriers        carrier (platform) threads alive, idle ones included
 * @param spinning        carriers looking for work to steal
 * @param idleCarriers    carriers parked without a P
 * @param globalQueue     tasks in the global run queue
 * @param localQueues     tasks in each P's local run queue ({@code runnext} included), by P id
 * @param steals          successful steals since the scheduler started
 * @param liveGoroutines  virtual threads started on this scheduler and not yet terminated
 * @param handoffs        Ps handed from a blocked carrier to another one since the scheduler
 *                        started (by sysmon, or by {@link GoScheduler#blocking})
 * @param deadlockReports times sysmon found every virtual thread of the scheduler asleep
 */
public record SchedulerStats(
        int gomaxprocs,
        int idleProcs,
        int carriers,
        int spinning,
        int idleCarriers,
        int globalQueue,
        int[] localQueues,
        long steals,
        long liveGoroutines,
        long handoffs,
        long deadlockReports) {

    /** Defensive copy: the record owns its array. */
    public SchedulerStats {
        localQueues = Objects.requireNonNull(localQueues, "localQueues").clone();
    }

    /**
     * A snapshot without hand-offs or deadlock reports (both zero).
     *
     * @param gomaxprocs the number of P slots
     * @param idleProcs Ps that no carrier holds
     * @param carriers carrier (platform) threads alive, idle ones included
     * @param spinning carriers looking for work to steal
     * @param idleCarriers carriers parked without a P
     * @param globalQueue tasks in the global run queue
     * @param localQueues tasks in each P's local run queue, by P id; copied
     * @param steals successful steals since the scheduler started
     * @param liveGoroutines virtual threads started and not yet terminated
     * @throws NullPointerException if {@code localQueues} is null
     */
    public SchedulerStats(
            int gomaxprocs,
            int idleProcs,
            int carriers,
            int spinning,
            int idleCarriers,
            int globalQueue,
            int[] localQueues,
            long steals,
            long liveGoroutines) {
        this(
                gomaxprocs,
                idleProcs,
                carriers,
                spinning,
                idleCarriers,
                globalQueue,
                localQueues,
                steals,
                liveGoroutines,
                0,
                0);
    }

    /**
     * Go's schedtrace line exactly, without weft's extra figures:
     * {@code gomaxprocs=4 idleprocs=2 threads=6 spinningthreads=0 idlethreads=2 runqueue=0 [0 1 0 0]}.
     *
     * @return the line, e.g. {@code gomaxprocs=4 idleprocs=2 threads=6 spinningthreads=0 idlethreads=2
     *         runqueue=0 [0 1 0 0]}
     */
    public String schedtrace() {
        StringBuilder sb = new StringBuilder()
                .append("gomaxprocs=")
                .append(gomaxprocs)
                .append(" idleprocs=")
                .append(idleProcs)
                .append(" threads=")
                .append(carriers)
                .append(" spinningthreads=")
                .append(spinning)
                .append(" idlethreads=")
                .append(idleCarriers)
                .append(" runqueue=")
                .append(globalQueue)
                .append(" [");
        for (int i = 0; i < localQueues.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(localQueues[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * Each P's local queue length, by P id (a copy).
     *
     * @return a new array, one length per P, indexed by P id
     */
    @Override
    public int[] localQueues() {
        return localQueues.clone();
    }

    /**
     * Tasks queued anywhere: the global queue and every local queue.
     *
     * @return the sum of the global queue and every local queue length, 0 or more
     */
    public long queuedTasks() {
        long n = globalQueue;
        for (int q : localQueues) {
            n += q;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerStats s
                && gomaxprocs == s.gomaxprocs
                && idleProcs == s.idleProcs
                && carriers == s.carriers
                && spinning == s.spinning
                && idleCarriers == s.idleCarriers
                && globalQueue == s.globalQueue
                && Arrays.equals(localQueues, s.localQueues)
                && steals == s.steals
                && liveGoroutines == s.liveGoroutines
                && handoffs == s.handoffs
                && deadlockReports == s.deadlockReports;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(localQueues) * 31 + Long.hashCode(steals) + gomaxprocs;
    }

    /** Go's schedtrace line ({@link #schedtrace()}), plus steals, goroutines and hand-offs. */
    @Override
    public String toString() {
        return schedtrace() + " steals=" + steals + " goroutines=" + liveGoroutines + " handoffs=" + handoffs;
    }
}

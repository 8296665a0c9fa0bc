package dev.weft.scheduler;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler as the JDK sees it: what weft hands to {@code ThreadBuilders$VirtualThreadBuilder}.
 * {@link #execute} is the {@link CarrierScheduler}'s. It extends {@link ForkJoinPool} only
 * because that is how JDK 25's {@code VirtualThread.schedule} decides where the timer of a
 * timed park goes: a {@code ForkJoinPool} scheduler gets {@link #schedule}, any other executor
 * the JDK's shared {@code VirtualThread-unparker} executor. So weft's timers
 * ({@link TimerQueue}) serve {@code Thread.sleep}, {@code parkNanos} and timed
 * {@code Object.wait} of its virtual threads.
 *
 * <p>Nothing else of the pool is used: it never gets a task, so it never starts a thread.
 */
final class JdkScheduler extends ForkJoinPool {
    private final CarrierScheduler sched;

    JdkScheduler(CarrierScheduler sched) {
        super(1);
        this.sched = sched;
    }

    /** Every start, unpark and yield of a virtual thread: {@link CarrierScheduler#execute}. */
    @Override
    public void execute(Runnable task) {
        sched.execute(task);
    }

    /** The timer of a timed park: {@link TimerQueue#schedule}. */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return sched.timers.schedule(command, unit.toNanos(delay));
    }

    @Override
    public String toString() {
        return "GoScheduler " + sched.name;
    }
}

package dev.weft.scheduler.engine;

/**
 * {@code ForkJoinWorkerThread.hasKnownQueuedWork()} for weft's carriers: whether the virtual
 * thread that calls it runs on a weft carrier whose P has other work ready to run now.
 *
 * <p>The JDK's hand-off queues ({@code LinkedTransferQueue}, and {@code SynchronousQueue} built on
 * it) spin 128 {@code Thread.onSpinWait()}s (3.5 µs on the machine of the README's benchmarks),
 * and {@code Exchanger} 1,024, before they park, unless this method says the carrier has queued
 * work: then the partner the caller just woke is waiting for this very carrier, and the spin only
 * delays it. The JDK answers for its own {@code ForkJoinWorkerThread}s by their work queue; on
 * any other carrier it answers false. weft's agent patches the JDK's method to ask this one
 * first ({@code dev.weft.agent.QueuedWorkPatch}), so that the JDK's code behaves on weft as on
 * its own scheduler: on weft, the partner is in the P's {@code runnext}.
 *
 * <p>"Queued work" is the P's local run queue ({@code runnext} included) or the global run
 * queue: both are what this carrier runs next once the caller parks. It is a heuristic, as the
 * JDK's is: the answer may be stale by the time the caller acts on it, which costs at most a
 * spin or an early park, never correctness. It never throws: on any failure it answers false.
 */
public final class QueuedWork {
    private QueuedWork() {}

    /**
     * Whether the current thread runs on a weft carrier whose P has work queued (see the class
     * comment). False on any other thread. Never blocks, allocates nothing; safe from any thread.
     *
     * @return true if the caller's carrier has other work to run now
     */
    public static boolean onCurrentCarrier() {
        try {
            Thread t = Thread.currentThread();
            Thread carrier = t.isVirtual() ? VirtualThreads.currentCarrier() : t;
            return carrier instanceof Carrier c && c.hasQueuedWork();
        } catch (Throwable e) {
            // called from inside java.base (SynchronousQueue.take...): a heuristic must never throw
            // there; the JDK's own answer follows
            return false;
        }
    }
}

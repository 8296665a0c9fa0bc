package dev.weft.scheduler.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Go's {@code sched.runq}: the global run queue, unbounded and lock-free, so that
 * {@code execute} from any thread (JDK timer and unblocker threads, platform threads) never
 * blocks. Carriers take from it in batches ({@link #getBatch}) into their local queue.
 *
 * <p>Invariant: {@code size} is incremented after a task is linked and decremented after one is
 * unlinked, so {@code size > 0} whenever a checker could miss a task in the queue. The
 * lost-wake-up argument of {@link CarrierScheduler#wakep} relies on it: a submitter links the
 * task, then bumps {@code size}, then reads {@code nmspinning}; a spinner that stops spinning
 * decrements {@code nmspinning}, then reads {@code size}. One of them sees the other.
 */
final class GlobalRunQueue implements LocalRunQueue.Overflow {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    /** Go's {@code globrunqput}. Any thread. */
    void put(Runnable task) {
        queue.offer(task);
        size.incrementAndGet();
    }

    /** Go's {@code globrunqputbatch}. Any thread. */
    @Override
    public void putBatch(Runnable[] batch, int n) {
        for (int i = 0; i < n; i++) {
            queue.offer(batch[i]);
        }
        size.addAndGet(n);
    }

    /** One task, or null. */
    Runnable poll() {
        Runnable task = queue.poll();
        if (task != null) {
            size.decrementAndGet();
        }
        return task;
    }

    /**
     * Go's {@code globrunqget}: takes a fair share of the queue ({@code size / procs + 1}, at most
     * {@code max}), returns the first and puts the rest into {@code local}.
     */
    Runnable getBatch(int procs, int max, LocalRunQueue local) {
        int sz = size.get();
        if (sz <= 0) {
            return null;
        }
        int n = Math.min(sz, sz / procs + 1);
        n = Math.min(n, max);
        Runnable first = poll();
        if (first == null) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            Runnable task = poll();
            if (task == null) {
                break;
            }
            local.put(task, false, this);
        }
        return first;
    }

    /** Approximate count; exact when the queue is quiet. */
    int size() {
        return Math.max(0, size.get());
    }

    boolean isEmpty() {
        return size.get() <= 0;
    }
}

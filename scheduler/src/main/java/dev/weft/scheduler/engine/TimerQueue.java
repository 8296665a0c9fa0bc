package dev.weft.scheduler.engine;

import dev.weft.scheduler.internal.TimerHeap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of a scheduler's timed parks: {@code Thread.sleep}, {@code LockSupport.parkNanos},
 * timed {@code Object.wait} and every timed wait built on them. The JDK hands each one to
 * {@link JdkScheduler#schedule}; without it, a custom scheduler gets the JDK's shared
 * {@code VirtualThread-unparker} executor (one per 4 CPUs), whose lock every sleep takes twice,
 * contended by all carriers: profiled at 30% of a sleep-heavy workload.
 *
 * <p>One daemon thread per scheduler ({@code <name>-timers}, started at the first timer) owns a
 * binary min-heap of deadlines, weft's one {@link TimerHeap} (the channel timers use it too),
 * and parks on {@link TimerHeap#IDLE_BLOCKER} ({@code timer goroutine (idle)}) until the next. Submitters never lock: they push onto a lock-free stack (the
 * inbox) and wake the thread only when their deadline is earlier than the one it sleeps until.
 *
 * <p>Memory is bounded by the live timers (Go's {@code deletedTimers} heuristic): most timed
 * parks end early (the thread is unparked) and the JDK cancels their timer, often long before its
 * deadline. A cancel drops the timer's task at once (the task references the parked thread) and
 * counts the cancelled entry; when cancelled entries reach {@value #PURGE_MIN} and more than a
 * quarter of all entries, the cancel wakes the timer thread (once: {@code purgeWanted}), which
 * drops them from its inbox and heap. So at most about {@code max(PURGE_MIN, live / 3)}
 * cancelled entries (~40 bytes each, no task) are held, however long their deadlines.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Only the timer thread touches the heap ({@code heap}).</li>
 *   <li>No lost timer: a submitter pushes, then reads {@code wakeAt}; the timer thread writes
 *       {@code wakeAt}, then reads the inbox before it parks (both volatile). Either the thread
 *       sees the new timer, or the submitter sees when the thread will wake and unparks it if
 *       that is too late.</li>
 *   <li>A timer runs at most once and never after a successful cancel: both are one CAS from
 *       {@code PENDING} ({@link Timer#tryFire}, {@link Timer#cancel}). The task is read only by
 *       the thread whose {@code tryFire} won, and cleared only by the cancel that won.</li>
 *   <li>{@code pending} counts timers neither fired nor cancelled: +1 at schedule, -1 by the CAS
 *       that leaves {@code PENDING}. {@code cancelled} counts cancelled entries not yet dropped:
 *       +1 by the winning cancel, -1 by the timer thread as it drops one (from the inbox, the
 *       heap's top, or a purge); each cancelled entry is dropped exactly once.</li>
 *   <li>No lost purge: a cancel increments {@code cancelled}, then sets {@code purgeWanted} and
 *       unparks; the timer thread clears {@code purgeWanted}, then drains and reads
 *       {@code cancelled}. A cancel the thread did not count finds the flag clear and wakes it.</li>
 * </ul>
 */
public final class TimerQueue {
    private static final Logger log = LoggerFactory.getLogger(TimerQueue.class);

    /** {@code wakeAt} while the thread parks with no deadline. */
    private static final long NEVER = Long.MAX_VALUE;
    /**
     * Cancelled entries the queue may hold before a cancel wakes the timer thread to drop them:
     * amortises the wake-up (one unpark per this many cancels at most) and bounds the memory of
     * an idle thread's cancelled timers to this many small objects.
     */
    public static final int PURGE_MIN = 256;

    private final String name;
    private final AtomicReference<Timer> inbox = new AtomicReference<>();
    private final AtomicInteger pending = new AtomicInteger();
    /** Cancelled entries still in the inbox or the heap: +1 by a cancel, -1 when one is dropped. */
    private final AtomicInteger cancelled = new AtomicInteger();
    /** A cancel asked the timer thread to drop cancelled entries; cleared by the thread before it looks. */
    private final AtomicBoolean purgeWanted = new AtomicBoolean();

    private volatile long wakeAt = NEVER;
    private volatile boolean stopped;
    private volatile Thread thread;

    // timer thread only
    private final TimerHeap<Timer> heap = new TimerHeap<>(64);

    TimerQueue(String name) {
        this.name = name;
    }

    /**
     * Runs {@code task} on the timer thread after {@code delayNanos}, unless cancelled first.
     * Never blocks.
     *
     * @throws RejectedExecutionException after {@link #stop}
     */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        if (stopped) {
            throw new RejectedExecutionException("GoScheduler " + name + " is terminated: no timers");
        }
        long now = System.nanoTime();
        long deadline = delayNanos <= 0 ? now : now + Math.min(delayNanos, Long.MAX_VALUE / 4);
        Timer t = new Timer(task, deadline, this);
        pending.incrementAndGet();
        for (; ; ) {
            Timer head = inbox.get();
            t.next = head;
            if (inbox.compareAndSet(head, t)) {
                break;
            }
        }
        Thread th = thread;
        if (th == null) {
            th = start();
        }
        long w = wakeAt;
        if (w == NEVER || deadline - w < 0) {
            LockSupport.unpark(th);
        }
        return t;
    }

    private synchronized Thread start() {
        Thread th = thread;
        if (th == null) {
            th = Thread.ofPlatform().daemon().name(name + "-timers").unstarted(this::run);
            thread = th;
            th.start();
        }
        return th;
    }

    /** Stops the timer thread; timers still pending never run. Called when the scheduler terminates. */
    void stop() {
        stopped = true;
        Thread th = thread;
        if (th != null) {
            LockSupport.unpark(th);
        }
    }

    /**
     * Timers neither fired nor cancelled.
     *
     * @return their count, {@code >= 0}; a racy snapshot
     */
    public int pending() {
        return Math.max(0, pending.get());
    }

    /**
     * Cancelled entries not yet dropped by the timer thread (for tests and diagnostics).
     *
     * @return their count, {@code >= 0}; a racy snapshot
     */
    public int cancelledHeld() {
        return Math.max(0, cancelled.get());
    }

    /**
     * Called by the cancel that won, after counting it ({@code c} cancelled entries now held):
     * wakes the timer thread to drop them once they are at least {@link #PURGE_MIN} and more
     * than a quarter of all entries ({@code c > (live + c) / 4}). Never blocks; at most one
     * unpark per request the thread has not served yet.
     */
    private void cancelled(int c) {
        if (c < PURGE_MIN || 3L * c <= pending.get() || purgeWanted.get() || !purgeWanted.compareAndSet(false, true)) {
            return;
        }
        Thread th = thread;
        if (th != null) {
            LockSupport.unpark(th);
        }
    }

    /** The timer thread, or null before the first timer. */
    Thread thread() {
        return thread;
    }

    // ---- the timer thread -------------------------------------------------------------------

    private void run() {
        while (!stopped) {
            beginRound();
            drainInbox();
            fireExpired(System.nanoTime());
            purgeIfManyCancelled();
            long next = heap.isEmpty() ? NEVER : heap.peek().when();
            wakeAt = next;
            if (inbox.get() != null || stopped || purgeRequested()) {
                continue; // a timer or a purge request came in before wakeAt was published: look again
            }
            if (next == NEVER) {
                LockSupport.park(TimerHeap.IDLE_BLOCKER);
            } else {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(TimerHeap.IDLE_BLOCKER, wait);
                }
            }
            Thread.interrupted(); // nobody should interrupt us; never let it turn park into a spin
        }
    }

    /** Clears the purge request before the thread looks: a cancel counted after this asks again. */
    void beginRound() {
        purgeWanted.set(false);
    }

    /** Whether a cancel asked for a purge since {@link #beginRound}: then do not park. */
    boolean purgeRequested() {
        return purgeWanted.get();
    }

    /** For the jcstress test: {@code n} cancelled entries held, and a purge request standing or not. */
    void presetForTest(int n, boolean purgeRequested) {
        cancelled.set(n);
        purgeWanted.set(purgeRequested);
    }

    private void drainInbox() {
        Timer t = inbox.getAndSet(null);
        while (t != null) {
            Timer next = t.next;
            t.next = null;
            if (t.isCancelled()) {
                cancelled.decrementAndGet();
            } else {
                heap.add(t);
            }
            t = next;
        }
    }

    /** Pops and runs every timer due at {@code now}, in deadline order. */
    private void fireExpired(long now) {
        while (!heap.isEmpty() && heap.peek().when() - now <= 0) {
            Timer t = heap.poll();
            Runnable task = t.tryFire();
            if (task != null) {
                try {
                    task.run();
                } catch (Throwable e) {
                    log.error("{}: timer task {} threw", name, task, e);
                }
            } else {
                cancelled.decrementAndGet();
            }
        }
    }

    /**
     * Drops the cancelled entries of the heap when they are more than a quarter of it (Go's
     * {@code adjusttimers} after {@code deletedTimers > len/4}): O(size), so amortised O(1) per
     * cancelled entry. Below {@link #PURGE_MIN} heap entries it waits for a cancel's request:
     * the memory held is small, and the entries are dropped as they reach the top anyway.
     */
    private void purgeIfManyCancelled() {
        int c = cancelled.get();
        int size = heap.size();
        if (size == 0 || 4L * c <= size || (size < PURGE_MIN && c < PURGE_MIN)) {
            return;
        }
        cancelled.addAndGet(-heap.removeIf(Timer::isCancelled));
    }

    /**
     * One timer, as the JDK sees it: a {@link ScheduledFuture} it only ever cancels (when the
     * thread is unparked before its timeout). {@code get} is not supported: nothing waits for a
     * timed park's timer.
     */
    static final class Timer extends TimerHeap.Node implements ScheduledFuture<Object> {
        static final int PENDING = 0;
        static final int FIRED = 1;
        static final int CANCELLED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** What to run; null once cancelled (it references the parked thread: let it go at once). */
        private Runnable task;

        private final TimerQueue queue;

        @SuppressWarnings("unused")
        private volatile int state;
        /** Next in the inbox: written by the pushing thread before its CAS, then by the timer thread. */
        Timer next;

        Timer(Runnable task, long deadline, TimerQueue queue) {
            super(deadline);
            this.task = task;
            this.queue = queue;
        }

        /** PENDING to FIRED; the task if this call won and may run it, else null. */
        Runnable tryFire() {
            if (STATE.compareAndSet(this, PENDING, FIRED)) {
                queue.pending.decrementAndGet();
                Runnable r = task; // the cancel lost: it never clears task
                assert r != null;
                return r;
            }
            return null;
        }

        /**
         * PENDING to CANCELLED. Drops the task and counts the entry for the timer thread to drop.
         * Callable from any thread, virtual threads included: lock-free, never blocks.
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                task = null; // tryFire lost: nobody reads it any more
                queue.pending.decrementAndGet();
                queue.cancelled(queue.cancelled.incrementAndGet());
                return true;
            }
            return false;
        }

        @Override
        public boolean isCancelled() {
            return state == CANCELLED;
        }

        @Override
        public boolean isDone() {
            return state != PENDING;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a timed park's timer is not awaited");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a timed park's timer is not awaited");
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(when() - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}

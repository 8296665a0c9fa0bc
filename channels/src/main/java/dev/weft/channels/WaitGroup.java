package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import dev.weft.scheduler.internal.Sudog;
import dev.weft.scheduler.internal.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of tasks to finish. The starter calls
 * {@link #add(int)} with the number of tasks, each task calls {@link #done()} when it ends, and
 * {@link #await()} blocks until the counter is back to zero.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.add(1);                          // before starting the task, as in Go
 *     Go.go(() -> {
 *         try {
 *             fetch(url);
 *         } finally {
 *             wg.done();
 *         }
 *     });
 * }
 * wg.await();                             // wg.Wait()
 * boolean finished = wg.await(Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>Go's rules: the counter never goes below zero; an {@code add} or {@code done} that would make
 * it negative throws {@link IllegalStateException} ("negative WaitGroup counter", Go's panic) and
 * leaves the counter unchanged. When the counter reaches zero every waiter is released. A
 * WaitGroup can be reused once its counter is back at zero: the next {@code add} starts a new
 * round. As in Go, calls to {@code add} with a positive delta that start while the counter is
 * zero must happen before {@code await}.
 *
 * <p>Waiters park ({@link LockSupport}) and never spin; the counter is lock-free (one CAS).
 */
public final class WaitGroup {
    /*
     * Design. The WaitGroup is a sequence of rounds ("phases"); `phase` is the current one, and
     * its `count` is the WaitGroup's counter.
     *
     * Invariants:
     *  1. A phase's count is >= 0, and once it has gone from > 0 to 0 it stays 0 forever: count is
     *     changed only by a CAS from a value > 0 (a decrement below 0 throws instead; an add on a
     *     zero count installs a new phase instead of touching the old one).
     *  2. The waiter stack of a phase is swapped to RELEASED exactly once, by the thread whose CAS
     *     took that phase's count to 0, which then unparks every waiter it took. A phase whose
     *     count never was positive is never released and never waited on.
     *  3. A waiter pushes itself only onto a phase whose count it saw > 0, and a push onto a
     *     RELEASED stack fails: so a pushed waiter is always released later (2), and a failed
     *     push means the count reached 0 while the waiter was arriving (return at once).
     *  4. `phase` only moves forward, by a CAS from a phase whose count is 0 to a new phase with
     *     a positive count (reuse after reaching zero).
     */

    private static final VarHandle PHASE;
    private static final VarHandle COUNT;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PHASE = l.findVarHandle(WaitGroup.class, "phase", Phase.class);
            COUNT = l.findVarHandle(Phase.class, "count", long.class);
            WAITERS = l.findVarHandle(Phase.class, "waiters", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks a released phase's waiter stack: pushes fail, the count reached 0. */
    private static final Node RELEASED = new Node(null);

    private volatile Phase phase = new Phase(0);

    /** Creates a WaitGroup with a zero counter. */
    public WaitGroup() {}

    /**
     * Adds {@code delta}, which may be negative, to the counter. When the counter reaches zero,
     * every thread blocked in {@link #await()} is released.
     *
     * @param delta the amount to add, positive or negative; 0 does nothing
     * @throws IllegalStateException if the counter would become negative ("negative WaitGroup
     *                               counter"); the counter is left unchanged
     */
    public void add(int delta) {
        if (delta == 0) {
            return;
        }
        for (; ; ) {
            Phase p = phase;
            long c = p.count;
            if (c == 0) {
                if (delta < 0) {
                    throw new IllegalStateException("negative WaitGroup counter");
                }
                // start a new round (invariant 4); never touch a phase that reached 0 (invariant 1)
                if (PHASE.compareAndSet(this, p, new Phase(delta))) {
                    return;
                }
                continue;
            }
            long n = c + delta;
            if (n < 0) {
                throw new IllegalStateException("negative WaitGroup counter");
            }
            if (COUNT.compareAndSet(p, c, n)) {
                if (n == 0) {
                    release(p);
                }
                return;
            }
        }
    }

    /**
     * Decrements the counter by one: {@code add(-1)}, Go's {@code wg.Done()}.
     *
     * @throws IllegalStateException if the counter is already zero ("negative WaitGroup counter")
     */
    public void done() {
        add(-1);
    }

    /**
     * The counter now (racy, for monitoring and tests).
     *
     * @return the counter, 0 or more; may be stale at once
     */
    public long count() {
        return phase.count;
    }

    /**
     * Blocks until the counter is zero: Go's {@code wg.Wait()}. Returns at once if it is zero.
     *
     * @throws InterruptedException if interrupted before the counter reached zero (the interrupt
     *                              status is cleared); if the counter reached zero first, this
     *                              returns normally with the interrupt status kept
     * @throws DeadlockException    with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                              detector finds this wait blocked in a deadlock (the counter
     *                              cannot reach zero any more)
     */
    public void await() throws InterruptedException {
        await0(0L);
    }

    /**
     * Blocks until the counter is zero, at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative only checks the counter
     * @return true if the counter reached zero, false if the timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted before the counter reached zero
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = TimeUnit.NANOSECONDS.convert(timeout);
        long deadline = System.nanoTime() + Math.max(nanos, 0);
        return await0(deadline == 0 ? 1 : deadline);
    }

    /** {@code deadline}: 0 for none, else a System.nanoTime deadline. */
    private boolean await0(long deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Phase p = phase;
        if (p.count == 0) {
            return true;
        }
        Node node = new Node(Thread.currentThread());
        if (!push(p, node)) {
            return true; // the count reached 0 meanwhile (invariant 3)
        }
        switch (node.gopark(deadline, true)) {
            case Sudog.DONE -> {
                return true; // released (an interrupt that came too late is kept)
            }
            case Sudog.INTERRUPTED -> throw new InterruptedException("interrupted while waiting for a WaitGroup");
            case Sudog.TIMED_OUT -> {
                unlinkCancelled(p);
                return false;
            }
            case Sudog.DEADLOCKED -> {
                unlinkCancelled(p);
                throw node.deadlock();
            }
            default -> throw new AssertionError("gopark result");
        }
    }

    /** Pushes {@code node} on {@code p}'s waiter stack; false if {@code p} is already released. */
    private static boolean push(Phase p, Node node) {
        for (; ; ) {
            Node head = p.waiters;
            if (head == RELEASED) {
                return false;
            }
            // drop cancelled waiters at the top on the way, so timed-out awaits don't pile up
            Node next = head;
            while (next != null && next.isCancelled()) {
                next = next.next;
            }
            node.next = next;
            if (WAITERS.compareAndSet(p, head, node)) {
                return true;
            }
        }
    }

    /** Pops the cancelled waiters at the top of {@code p}'s stack (best effort). */
    private static void unlinkCancelled(Phase p) {
        for (; ; ) {
            Node head = p.waiters;
            if (head == null || head == RELEASED || !head.isCancelled()) {
                return;
            }
            Node next = head.next;
            while (next != null && next.isCancelled()) {
                next = next.next;
            }
            if (WAITERS.compareAndSet(p, head, next)) {
                return;
            }
        }
    }

    /** Called once per phase, by the thread whose CAS took its count to 0 (invariant 2). */
    private static void release(Phase p) {
        Node n = (Node) WAITERS.getAndSet(p, RELEASED);
        while (n != null) {
            Node next = n.next;
            if (n.tryRelease()) {
                LockSupport.unpark(n.thread);
            }
            n = next;
        }
    }

    @Override
    public String toString() {
        return "WaitGroup[count=" + count() + "]";
    }

    /** One round of the WaitGroup: from a positive count back to zero. */
    private static final class Phase {
        @SuppressWarnings("unused") // accessed through COUNT
        volatile long count;

        @SuppressWarnings("unused") // accessed through WAITERS
        volatile Node waiters;

        Phase(long count) {
            this.count = count;
        }
    }

    /**
     * A parked waiter, a {@link Sudog} ({@code sync.WaitGroup.Wait}): WAITING, then DONE (released
     * by the releaser) or CANCELLED (by itself). It is also the park blocker, one per wait, so
     * that a deadlock declared for one wait can never fail a later one (see
     * {@code Deadlocks.take(Thread, Object)}).
     */
    private static final class Node extends Sudog {
        final Thread thread;
        Node next; // written before the publishing CAS, then read-only

        Node(Thread thread) {
            super(WaitReason.SYNC_WAIT_GROUP_WAIT);
            this.thread = thread;
        }

        @Override
        public String toString() {
            return "WaitGroup waiter";
        }
    }
}

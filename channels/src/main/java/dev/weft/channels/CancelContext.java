package dev.weft.channels;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A context that can be cancelled: Go's {@code cancelCtx} (and {@code timerCtx} when made by
 * {@link Context#withTimeout} or {@link Context#withDeadline}), with the cancel function as a
 * method. {@link #close()} cancels, so try-with-resources is Go's {@code defer cancel()}:
 *
 * <pre>{@code
 * try (CancelContext ctx = Context.withTimeout(parent, Duration.ofSeconds(1))) {
 *     return query(ctx);
 * }
 * }</pre>
 *
 * <p>Concurrency. {@code err}, {@code children} and {@code timer} are guarded by {@code lock};
 * {@code err} goes from null to non-null exactly once (the cancelling thread wins that
 * transition under the lock), and it is volatile so {@link #err()} reads it without locking.
 * Only that winning thread then closes {@code done} (so the close happens once), stops the
 * deadline timer, and cancels the children it took out of {@code children}; the volatile write
 * of {@code err} comes before the close, so whoever sees {@code done} closed sees the error. A
 * child registers in its nearest cancellable ancestor's {@code children} under that ancestor's
 * lock, or, if the ancestor is already done, starts done with its error: so a cancel that races
 * with a registration never misses the child. A cancelled child removes itself from its
 * ancestor's {@code children}. Locks are never nested, except that arming the deadline timer
 * takes the timer's locks inside {@code lock} (the timer thread runs the deadline's cancel with
 * none of its own locks held).
 */
public final class CancelContext extends Context implements AutoCloseable {
    private final Context parent;
    /** The nearest cancellable ancestor, which holds this context in its children; or null. */
    private final CancelContext registeredWith;
    /** The deadline, already the earlier of this context's own and the parent's; or null. */
    private final Instant deadline;
    private final Chan<Void> done = Chan.unbuffered();
    private final Object lock = new Object();

    private volatile ContextException err;  // guarded by lock for writes; null -> non-null once
    private Set<CancelContext> children;    // guarded by lock; null when none or once done
    private Timer timer;                    // guarded by lock; the deadline, until done

    private CancelContext(Context parent, Instant deadline) {
        this.parent = parent;
        this.registeredWith = parent.nearestCancel();
        this.deadline = deadline;
    }

    /** A child of {@code parent}, registered with its nearest cancellable ancestor. */
    static CancelContext child(Context parent, Instant deadline) {
        CancelContext c = new CancelContext(parent, deadline);
        if (c.registeredWith != null) {
            ContextException parentErr = c.registeredWith.addChild(c);
            if (parentErr != null) {
                c.cancel(parentErr, false); // a child of a done parent starts done
            }
        }
        return c;
    }

    /** {@link Context#withDeadline} and {@link Context#withTimeout} ({@code timeout} may be null). */
    static CancelContext timed(Context parent, Instant deadline, Duration timeout) {
        Optional<Instant> parentDeadline = parent.deadline();
        if (parentDeadline.isPresent() && !parentDeadline.get().isAfter(deadline)) {
            return child(parent, parentDeadline.get()); // the parent's deadline comes first anyway
        }
        CancelContext c = child(parent, deadline);
        Duration left = timeout != null ? timeout : Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            c.cancel(Context.DEADLINE_EXCEEDED, true);
        } else {
            c.armTimer(left);
        }
        return c;
    }

    private void armTimer(Duration left) {
        synchronized (lock) {
            if (err == null) {
                // Runs on the timer thread: a cancel only closes a channel and takes short locks.
                timer = Timers.afterFuncOnTimerThread(left, () -> cancel(Context.DEADLINE_EXCEEDED, true));
            }
        }
    }

    /**
     * Go's {@code cancel()}: makes this context and all its descendants done with
     * {@link Context#CANCELED} (unless already done: then nothing changes), frees the deadline
     * timer, and unregisters from the parent. Idempotent, thread-safe, never blocks.
     *
     * <pre>{@code CancelContext ctx = Context.withCancel(parent); ... ctx.cancel();}</pre>
     */
    public void cancel() {
        cancel(Context.CANCELED, true);
    }

    /**
     * {@link #cancel()}, so that try-with-resources is Go's {@code defer cancel()}.
     *
     * <pre>{@code try (CancelContext ctx = Context.withCancel(parent)) { ... }}</pre>
     */
    @Override
    public void close() {
        cancel();
    }

    /**
     * Cancels this context with {@code why}, then its descendants, iteratively (a deep chain
     * does not overflow the stack).
     */
    void cancel(ContextException why, boolean unregister) {
        ArrayDeque<CancelContext> pending = new ArrayDeque<>();
        if (!cancelSelf(why, pending)) {
            return;
        }
        if (unregister && registeredWith != null) {
            registeredWith.removeChild(this);
        }
        for (CancelContext c; (c = pending.poll()) != null; ) {
            c.cancelSelf(why, pending); // the parent dropped its children set: no unregistering
        }
    }

    /** Wins the null -> {@code why} transition or returns false; then publishes and cleans up. */
    private boolean cancelSelf(ContextException why, ArrayDeque<CancelContext> descendants) {
        Set<CancelContext> kids;
        Timer t;
        synchronized (lock) {
            if (err != null) {
                return false;
            }
            err = why;
            kids = children;
            children = null;
            t = timer;
            timer = null;
        }
        done.close();
        if (t != null) {
            t.stop();
        }
        if (kids != null) {
            descendants.addAll(kids);
        }
        return true;
    }

    /** Registers {@code child}; or, if this context is done, returns its error instead. */
    private ContextException addChild(CancelContext child) {
        synchronized (lock) {
            if (err != null) {
                return err;
            }
            if (children == null) {
                children = new HashSet<>();
            }
            children.add(child);
            return null;
        }
    }

    private void removeChild(CancelContext child) {
        synchronized (lock) {
            if (children != null && children.remove(child) && children.isEmpty()) {
                children = null; // a long-lived parent keeps no table sized for past children
            }
        }
    }

    @Override
    public ReceiveChan<Void> done() {
        return done;
    }

    @Override
    public ContextException err() {
        return err;
    }

    @Override
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadline);
    }

    @Override
    Context parent() {
        return parent;
    }

    @Override
    CancelContext nearestCancel() {
        return this;
    }

    /** Registered children now (package-private, for tests). */
    int childCountForTest() {
        synchronized (lock) {
            return children == null ? 0 : children.size();
        }
    }

    /** The deadline timer while it is armed, else null (package-private, for tests). */
    Timer timerForTest() {
        synchronized (lock) {
            return timer;
        }
    }

    @Override
    public String toString() {
        ContextException e = err;
        return "CancelContext[" + (e == null ? "active" : e.getMessage())
                + (deadline == null ? "" : ", deadline " + deadline) + "]";
    }
}

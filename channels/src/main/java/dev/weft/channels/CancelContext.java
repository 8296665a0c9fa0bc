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
 * <p>{@link Context#withCancelCause} returns the subclass {@link CancelCauseContext}, whose
 * cancel takes a cause.
 *
 * <p>Concurrency. {@code err}, {@code cause}, {@code children} and {@code timer} are guarded by
 * {@code lock}; {@code err} goes from null to non-null exactly once (the cancelling thread wins
 * that transition under the lock, writing {@code cause} just before), and both are volatile so
 * {@link #err()} and {@link Context#cause} read them without locking: whoever sees
 * {@code err} non-null sees the cause. Only that winning thread then closes {@code done} (so the
 * close happens once), stops the deadline timer, cancels the child contexts it took out of
 * {@code children} and starts their {@link Context#afterFunc} functions; the volatile write of
 * {@code err} comes before the close, so whoever sees {@code done} closed sees the error. A
 * child (context or afterFunc registration) registers in its nearest cancellable ancestor's
 * {@code children} under that ancestor's lock, or, if the ancestor is already done, starts done
 * with its error and cause: so a cancel that races with a registration never misses the child.
 * A cancelled child, and a stopped afterFunc, removes itself from its ancestor's
 * {@code children} (Go's {@code removeChild}); a set left empty is dropped. Locks are never
 * nested, except that arming the deadline timer takes the timer's locks inside {@code lock}
 * (the timer thread runs the deadline's cancel with none of its own locks held).
 *
 * <p>No carrier is ever blocked here: {@code lock} is private to this context and held for a
 * few field writes and a hash-set operation, never across a park, a channel operation or a
 * thread start; the scheduler never takes it. A virtual thread that meets it contended unmounts
 * (JDK 24+), freeing its carrier.
 */
public sealed class CancelContext extends Context implements AutoCloseable permits CancelCauseContext {
    private final Context parent;
    /** The nearest cancellable ancestor, which holds this context in its children; or null. */
    private final CancelContext registeredWith;
    /** The deadline, already the earlier of this context's own and the parent's; or null. */
    private final Instant deadline;

    private final Chan<Void> done = Chan.unbuffered();
    private final Object lock = new Object();

    private volatile ContextException err; // guarded by lock for writes; null -> non-null once
    private volatile Throwable cause; // guarded by lock for writes; set just before err
    /** Child {@link CancelContext}s and {@link AfterFuncRegistration}s; guarded by lock. */
    private Set<Object> children; // null when none or once done

    private Timer timer; // guarded by lock; the deadline, until done

    /** Not registered yet: pass it to {@link #child}. */
    CancelContext(Context parent, Instant deadline) {
        this.parent = parent;
        this.registeredWith = parent.nearestCancel();
        this.deadline = deadline;
    }

    /** Registers {@code c} with its nearest cancellable ancestor (Go's propagateCancel). */
    static <C extends CancelContext> C child(C c) {
        ((CancelContext) c).propagateCancel();
        return c;
    }

    private void propagateCancel() {
        if (registeredWith != null) {
            ContextException parentErr = registeredWith.addChild(this);
            if (parentErr != null) {
                // a child of a done parent starts done, with the parent's error and cause
                cancel(parentErr, registeredWith.cause(), false);
            }
        }
    }

    /**
     * {@link Context#withDeadlineCause} and {@link Context#withTimeoutCause} ({@code timeout}
     * may be null; {@code cause} may be null, meaning {@link Context#DEADLINE_EXCEEDED}).
     */
    static CancelContext timed(Context parent, Instant deadline, Duration timeout, Throwable cause) {
        Optional<Instant> parentDeadline = parent.deadline();
        if (parentDeadline.isPresent() && !parentDeadline.get().isAfter(deadline)) {
            // the parent's deadline comes first anyway (Go drops the cause here too)
            return child(new CancelContext(parent, parentDeadline.get()));
        }
        CancelContext c = child(new CancelContext(parent, deadline));
        Duration left = timeout != null ? timeout : Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            c.cancel(Context.DEADLINE_EXCEEDED, cause, true);
        } else {
            c.armTimer(left, cause);
        }
        return c;
    }

    private void armTimer(Duration left, Throwable why) {
        synchronized (lock) {
            if (err == null) {
                // Runs on the timer thread: a cancel only closes channels, takes short locks and
                // starts afterFunc threads.
                timer = Timers.afterFuncOnTimerThread(left, () -> cancel(Context.DEADLINE_EXCEEDED, why, true));
            }
        }
    }

    /**
     * Go's {@code cancel()}: makes this context and all its descendants done with
     * {@link Context#CANCELED} (unless already done: then nothing changes), frees the deadline
     * timer, unregisters from the parent and starts the {@link Context#afterFunc} functions
     * registered on this context and its descendants. {@link Context#cause} is then
     * {@link Context#CANCELED} too. Idempotent, thread-safe, never blocks a carrier (see the
     * class comment).
     *
     * <pre>{@code CancelContext ctx = Context.withCancel(parent); ... ctx.cancel();}</pre>
     */
    public void cancel() {
        cancel(Context.CANCELED, null, true);
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
     * Go's {@code cancelCtx.cancel(removeFromParent, err, cause)}: cancels this context with
     * {@code why} and {@code cause} (null: {@code why}), then its descendants with the same two,
     * iteratively (a deep chain does not overflow the stack), and starts the afterFunc functions
     * registered with any of them. Never throws, never blocks.
     */
    void cancel(ContextException why, Throwable cause, boolean unregister) {
        Throwable c = cause != null ? cause : why;
        ArrayDeque<CancelContext> pending = new ArrayDeque<>();
        if (!cancelSelf(why, c, pending)) {
            return;
        }
        if (unregister && registeredWith != null) {
            registeredWith.removeChild(this);
        }
        for (CancelContext d; (d = pending.poll()) != null; ) {
            d.cancelSelf(why, c, pending); // the parent dropped its children set: no unregistering
        }
    }

    /** Wins the null -> {@code why} transition or returns false; then publishes and cleans up. */
    private boolean cancelSelf(ContextException why, Throwable c, ArrayDeque<CancelContext> descendants) {
        Set<Object> kids;
        Timer t;
        synchronized (lock) {
            if (err != null) {
                return false;
            }
            cause = c;
            err = why; // volatile: publishes cause
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
            for (Object k : kids) {
                if (k instanceof CancelContext child) {
                    descendants.add(child);
                } else {
                    ((AfterFuncRegistration) k).fire();
                }
            }
        }
        return true;
    }

    /** Registers {@code child}; or, if this context is done, returns its error instead. */
    private ContextException addChild(Object child) {
        assert child instanceof CancelContext || child instanceof AfterFuncRegistration : child;
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

    /** {@link Context#afterFunc}: registers {@code a}, or starts it at once if this is done. */
    void register(AfterFuncRegistration a) {
        if (addChild(a) != null) {
            a.fire();
        }
    }

    /** Go's {@code removeChild}: a cancelled child or a stopped afterFunc leaves the set. */
    void removeChild(Object child) {
        synchronized (lock) {
            if (children != null && children.remove(child) && children.isEmpty()) {
                children = null; // a long-lived parent keeps no table sized for past children
            }
        }
    }

    /** {@link Context#cause}: null while active; the cause is published by the write of err. */
    Throwable cause() {
        return err == null ? null : cause;
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
        return getClass().getSimpleName() + "[" + (e == null ? "active" : e.getMessage())
                + (deadline == null ? "" : ", deadline " + deadline) + "]";
    }
}

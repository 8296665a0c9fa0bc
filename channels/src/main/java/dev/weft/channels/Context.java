package dev.weft.channels;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Go's {@code context.Context}: a cancellation signal, a deadline and request-scoped values,
 * passed down a call tree. Contexts form a tree; cancelling one cancels all its descendants.
 *
 * <pre>{@code
 * try (CancelContext ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(2))) {
 *     // ctx, cancel := context.WithTimeout(ctx, 2*time.Second); defer cancel()
 *     String r = Select.select(
 *         results.onReceive(v -> "got " + v),
 *         ctx.done().onReceiveOk((v, ok) -> "gave up: " + ctx.err().getMessage()));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #done()} is a channel that is closed, never sent on, when the context is done:
 *       select on it with {@link ReceiveChan#onReceiveOk} (or block with
 *       {@code done().receiveOrNull()}). {@link #err()} is non-null once {@link #done()} is
 *       closed: the error is published before the close.</li>
 *   <li>Cancelling a parent cancels every descendant with the parent's error; a child made from
 *       a done parent starts done, with the parent's error; cancelling a child never touches the
 *       parent, and a cancelled child unregisters from its parent, so a long-lived parent does
 *       not accumulate finished children.</li>
 *   <li>A child's deadline is the earlier of its own and its parent's.</li>
 * </ul>
 *
 * <p>The hierarchy is sealed: background, value contexts and {@link CancelContext}. Because of
 * that, a child registers with its nearest cancellable ancestor directly: no thread per
 * context (Go needs a goroutine only for foreign Context implementations).
 */
public abstract sealed class Context permits Context.Background, Context.ValueContext, CancelContext {
    /** Go's {@code context.Canceled}: "context canceled". Shared, stackless; compare with {@code ==}. */
    public static final ContextException CANCELED = new ContextException("context canceled", false);

    /**
     * Go's {@code context.DeadlineExceeded}: "context deadline exceeded". Shared, stackless;
     * compare with {@code ==}.
     */
    public static final ContextException DEADLINE_EXCEEDED =
            new ContextException("context deadline exceeded", true);

    Context() {
    }

    /**
     * Go's {@code context.Background()}: never cancelled, no deadline, no values; the root of
     * every context tree. Its {@link #done()} channel never closes (Go's is nil, which never
     * becomes ready in a select either).
     *
     * <pre>{@code CancelContext ctx = Context.withCancel(Context.background());}</pre>
     */
    public static Context background() {
        return Background.INSTANCE;
    }

    /**
     * Go's {@code context.WithCancel(parent)}: a child that is done when {@link CancelContext#cancel()}
     * is called or when the parent is done, whichever happens first.
     *
     * <pre>{@code
     * try (CancelContext ctx = Context.withCancel(parent)) {
     *     Go.go(() -> worker(ctx));
     *     ...
     * }   // cancels the worker
     * }</pre>
     */
    public static CancelContext withCancel(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return CancelContext.child(parent, parent.deadline().orElse(null));
    }

    /**
     * Go's {@code context.WithTimeout(parent, timeout)}: {@link #withDeadline} at now plus
     * {@code timeout}. The deadline is a {@link Timers} heap entry (no thread), freed when the
     * context is cancelled. A non-positive timeout gives a context that is already done with
     * {@link #DEADLINE_EXCEEDED}.
     *
     * <pre>{@code
     * try (CancelContext ctx = Context.withTimeout(parent, Duration.ofMillis(100))) {
     *     return fetch(ctx);
     * }
     * }</pre>
     */
    public static CancelContext withTimeout(Context parent, Duration timeout) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(timeout, "timeout");
        Instant deadline;
        try {
            deadline = Instant.now().plus(timeout);
        } catch (DateTimeException | ArithmeticException tooFar) {
            deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
        }
        return CancelContext.timed(parent, deadline, timeout);
    }

    /**
     * Go's {@code context.WithDeadline(parent, d)}: a child that is also done, with
     * {@link #DEADLINE_EXCEEDED}, at {@code deadline}. If the parent's deadline is not later,
     * this is {@link #withCancel} (the child inherits the parent's deadline). A deadline in the
     * past gives a context that is already done.
     *
     * <pre>{@code CancelContext ctx = Context.withDeadline(parent, Instant.now().plusSeconds(5));}</pre>
     */
    public static CancelContext withDeadline(Context parent, Instant deadline) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(deadline, "deadline");
        return CancelContext.timed(parent, deadline, null);
    }

    /**
     * Go's {@code context.WithValue(parent, key, value)}: a child that maps {@code key} to
     * {@code value} (which may be null), and otherwise behaves as {@code parent} (same done
     * channel, error and deadline). Keys are compared with {@code equals}; use a private key
     * object so that packages don't collide.
     *
     * <pre>{@code
     * private static final Object REQUEST_ID = new Object();
     * Context ctx = Context.withValue(parent, REQUEST_ID, "req-42");
     * String id = (String) ctx.value(REQUEST_ID);
     * }</pre>
     *
     * @throws NullPointerException if {@code key} is null (Go panics on a nil key)
     */
    public static Context withValue(Context parent, Object key, Object value) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(key, "nil key");
        return new ValueContext(parent, key, value);
    }

    /**
     * Go's {@code ctx.Done()}: a channel closed when this context is done, never sent on. Use it
     * in a select, as Go's {@code case <-ctx.Done():}
     *
     * <pre>{@code Select.select(jobs.onReceive(j -> run(j)), ctx.done().onReceiveOk((v, ok) -> stop()));}</pre>
     */
    public abstract ReceiveChan<Void> done();

    /**
     * Go's {@code ctx.Err()}: null while the context is active, then {@link #CANCELED} or
     * {@link #DEADLINE_EXCEEDED}, forever.
     *
     * <pre>{@code if (ctx.err() != null) return;}</pre>
     */
    public abstract ContextException err();

    /**
     * Go's {@code ctx.Deadline()}: when this context will be done by itself, if ever (the
     * earliest deadline on the path to the root).
     *
     * <pre>{@code Duration left = Duration.between(Instant.now(), ctx.deadline().orElse(Instant.MAX));}</pre>
     */
    public abstract Optional<Instant> deadline();

    /**
     * Go's {@code ctx.Value(key)}: the value of the nearest {@link #withValue} for {@code key}
     * (keys compared with {@code equals}) on the path to the root, or null.
     *
     * <pre>{@code String user = (String) ctx.value(USER_KEY);}</pre>
     *
     * @throws NullPointerException if {@code key} is null
     */
    public final Object value(Object key) {
        Objects.requireNonNull(key, "key");
        for (Context c = this; c != null; c = c.parent()) {
            if (c instanceof ValueContext v && v.key.equals(key)) {
                return v.value;
            }
        }
        return null;
    }

    /**
     * Whether this context is done, i.e. {@code err() != null}.
     *
     * <pre>{@code while (!ctx.isDone()) step();}</pre>
     */
    public boolean isDone() {
        return err() != null;
    }

    /** The parent, or null at the root. */
    abstract Context parent();

    /** The nearest cancellable context on the path to the root (this one included), or null. */
    abstract CancelContext nearestCancel();

    /** {@link #background()}. */
    static final class Background extends Context {
        static final Background INSTANCE = new Background();

        /** Never closed, never sent on: nobody outside this class holds it as a SendChan. */
        private static final Chan<Void> NEVER = Chan.unbuffered();

        private Background() {
        }

        @Override
        public ReceiveChan<Void> done() {
            return NEVER;
        }

        @Override
        public ContextException err() {
            return null;
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }

        @Override
        Context parent() {
            return null;
        }

        @Override
        CancelContext nearestCancel() {
            return null;
        }

        @Override
        public String toString() {
            return "Context.background()";
        }
    }

    /** {@link #withValue}: immutable; everything but {@link #value} comes from {@code base}. */
    static final class ValueContext extends Context {
        private final Context parent;
        /** The nearest ancestor that is not a value context: done, err and deadline are its. */
        private final Context base;
        final Object key;
        final Object value;

        ValueContext(Context parent, Object key, Object value) {
            this.parent = parent;
            this.base = parent instanceof ValueContext v ? v.base : parent;
            this.key = key;
            this.value = value;
        }

        @Override
        public ReceiveChan<Void> done() {
            return base.done();
        }

        @Override
        public ContextException err() {
            return base.err();
        }

        @Override
        public Optional<Instant> deadline() {
            return base.deadline();
        }

        @Override
        Context parent() {
            return parent;
        }

        @Override
        CancelContext nearestCancel() {
            return base.nearestCancel();
        }

        @Override
        public String toString() {
            return base + ".withValue(" + key + ")";
        }
    }
}

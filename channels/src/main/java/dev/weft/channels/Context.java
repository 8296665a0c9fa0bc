package dev.weft.channels;

import dev.weft.scheduler.GoScheduler;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

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
 * <p>Go 1.21's additions are here too: a cancel <em>cause</em> ({@link #withCancelCause},
 * {@link #withDeadlineCause}, {@link #withTimeoutCause}, read back with {@link #cause}),
 * {@link #afterFunc}, {@link #withoutCancel} and {@link #todo()}.
 *
 * <p>The hierarchy is sealed: background (and todo), value contexts, {@link #withoutCancel}
 * contexts and {@link CancelContext}. Because of that, a child (or an {@link #afterFunc}
 * registration) registers with its nearest cancellable ancestor directly: no thread per context
 * (Go needs a goroutine only for foreign Context implementations).
 *
 * <p>Thread-safety: every context is safe to use from any number of threads. Cancelling never
 * blocks a carrier: it takes only the short private locks of the contexts involved (never a lock
 * of the scheduler), closes channels, stops timers and starts virtual threads.
 */
public abstract sealed class Context permits Context.NeverCancelled, Context.ValueContext, CancelContext {
    /** Go's {@code context.Canceled}: "context canceled". Shared, stackless; compare with {@code ==}. */
    public static final ContextException CANCELED = new ContextException("context canceled", false);

    /**
     * Go's {@code context.DeadlineExceeded}: "context deadline exceeded". Shared, stackless;
     * compare with {@code ==}.
     */
    public static final ContextException DEADLINE_EXCEEDED = new ContextException("context deadline exceeded", true);

    Context() {}

    /**
     * Go's {@code context.Background()}: never cancelled, no deadline, no values; the root of
     * every context tree. Its {@link #done()} channel never closes (Go's is nil, which never
     * becomes ready in a select either).
     *
     * <pre>{@code CancelContext ctx = Context.withCancel(Context.background());}</pre>
     *
     * @return the shared background context (the same object on every call); never null
     */
    public static Context background() {
        return Background.INSTANCE;
    }

    /**
     * Go's {@code context.TODO()}: a context to use when it is unclear which one to use, or when
     * none is available yet (the surrounding code is not yet extended to take one). It behaves
     * as {@link #background()}: never cancelled, no deadline, no values; it is a distinct object
     * whose {@code toString()} is {@code "context.TODO"}, so it can be told apart when reading
     * a context tree.
     *
     * <pre>{@code CancelContext ctx = Context.withCancel(Context.todo());   // TODO: take a ctx parameter}</pre>
     *
     * @return the shared TODO context (the same object on every call); never null
     */
    public static Context todo() {
        return Background.TODO;
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
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @return a new cancellable child; close or cancel it to release its registration with {@code parent}
     * @throws NullPointerException if {@code parent} is null
     */
    public static CancelContext withCancel(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return CancelContext.child(new CancelContext(parent, parent.deadline().orElse(null)));
    }

    /**
     * Go 1.20's {@code context.WithCancelCause(parent)}: {@link #withCancel}, whose cancel
     * function takes a cause. The returned context is its own {@link CancelCauseFunc}:
     * {@link CancelCauseContext#cancel(Throwable) cancel(cause)} makes it done with
     * {@link #CANCELED} and records {@code cause}, which {@link #cause(Context)} then returns for
     * it and every descendant it cancelled. The first cancel wins: a later cause is ignored. A
     * null cause means {@link #CANCELED} (as Go's {@code cancel(nil)}); so does
     * {@link CancelContext#cancel()} and {@link CancelContext#close()}.
     *
     * <pre>{@code
     * try (CancelCauseContext ctx = Context.withCancelCause(parent)) {   // ctx, cancel := context.WithCancelCause(parent)
     *     ...
     *     ctx.cancel(new IOException("upstream closed"));               // cancel(myError)
     *     ctx.err();                  // Context.CANCELED
     *     Context.cause(ctx);         // the IOException
     * }
     * }</pre>
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @return a new child whose {@link CancelCauseContext#cancel(Throwable)} records a cause
     * @throws NullPointerException if {@code parent} is null
     */
    public static CancelCauseContext withCancelCause(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return CancelContext.child(
                new CancelCauseContext(parent, parent.deadline().orElse(null)));
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
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @param timeout how long from now until the child is done with {@link #DEADLINE_EXCEEDED}; zero or
     *         negative means already done; a timeout past {@link Instant#MAX} means never
     * @return a new cancellable child with deadline now plus {@code timeout} (or the parent's, if earlier)
     * @throws NullPointerException if {@code parent} or {@code timeout} is null
     */
    public static CancelContext withTimeout(Context parent, Duration timeout) {
        return withTimeoutCause(parent, timeout, null);
    }

    /**
     * Go 1.21's {@code context.WithTimeoutCause(parent, timeout, cause)}: {@link #withTimeout},
     * but when the timeout expires, {@link #cause(Context)} returns {@code cause} (the error is
     * still {@link #DEADLINE_EXCEEDED}). A null {@code cause} means {@link #DEADLINE_EXCEEDED}.
     * The returned context's own {@link CancelContext#cancel()} records no cause (the cause is
     * {@link #CANCELED}), as Go's returned {@code CancelFunc}. As in Go, if the parent's deadline
     * comes first the result is {@link #withCancel} and {@code cause} is not used.
     *
     * <pre>{@code
     * try (CancelContext ctx = Context.withTimeoutCause(parent, Duration.ofSeconds(2),
     *         new TimeoutException("backend took over 2 s"))) {
     *     return fetch(ctx);   // on expiry: ctx.err() == DEADLINE_EXCEEDED, Context.cause(ctx) is the TimeoutException
     * }
     * }</pre>
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @param timeout how long from now until the child is done with {@link #DEADLINE_EXCEEDED}; zero or
     *         negative means already done
     * @param cause what {@link #cause(Context)} returns after the timeout expires; null means {@link
     *         #DEADLINE_EXCEEDED}
     * @return a new cancellable child with deadline now plus {@code timeout} (or the parent's, if earlier)
     * @throws NullPointerException if {@code parent} or {@code timeout} is null
     */
    public static CancelContext withTimeoutCause(Context parent, Duration timeout, Throwable cause) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(timeout, "timeout");
        Instant deadline;
        try {
            deadline = Instant.now().plus(timeout);
        } catch (DateTimeException | ArithmeticException tooFar) {
            deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
        }
        return CancelContext.timed(parent, deadline, timeout, cause);
    }

    /**
     * Go's {@code context.WithDeadline(parent, d)}: a child that is also done, with
     * {@link #DEADLINE_EXCEEDED}, at {@code deadline}. If the parent's deadline is not later,
     * this is {@link #withCancel} (the child inherits the parent's deadline). A deadline in the
     * past gives a context that is already done.
     *
     * <pre>{@code CancelContext ctx = Context.withDeadline(parent, Instant.now().plusSeconds(5));}</pre>
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @param deadline the wall-clock instant at which the child is done with {@link #DEADLINE_EXCEEDED}; a
     *         past instant means already done
     * @return a new cancellable child whose deadline is the earlier of {@code deadline} and the parent's
     * @throws NullPointerException if {@code parent} or {@code deadline} is null
     */
    public static CancelContext withDeadline(Context parent, Instant deadline) {
        return withDeadlineCause(parent, deadline, null);
    }

    /**
     * Go 1.21's {@code context.WithDeadlineCause(parent, d, cause)}: {@link #withDeadline}, but
     * when the deadline passes (or has passed already), {@link #cause(Context)} returns
     * {@code cause} (the error is still {@link #DEADLINE_EXCEEDED}). A null {@code cause} means
     * {@link #DEADLINE_EXCEEDED}. The returned context's own {@link CancelContext#cancel()}
     * records no cause ({@link #CANCELED}). If the parent's deadline is not later, the result is
     * {@link #withCancel} and {@code cause} is not used, as in Go.
     *
     * <pre>{@code
     * CancelContext ctx = Context.withDeadlineCause(parent, batchEnd, new IllegalStateException("batch window closed"));
     * }</pre>
     *
     * @param parent the context to derive from; its cancellation, deadline and values are inherited
     * @param deadline the wall-clock instant at which the child is done with {@link #DEADLINE_EXCEEDED}; a
     *         past instant means already done
     * @param cause what {@link #cause(Context)} returns once the deadline passed; null means {@link
     *         #DEADLINE_EXCEEDED}
     * @return a new cancellable child whose deadline is the earlier of {@code deadline} and the parent's
     * @throws NullPointerException if {@code parent} or {@code deadline} is null
     */
    public static CancelContext withDeadlineCause(Context parent, Instant deadline, Throwable cause) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(deadline, "deadline");
        return CancelContext.timed(parent, deadline, null, cause);
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
     * @param parent the context to derive from; done channel, error and deadline are its
     * @param key the key, compared with {@code equals}; not null
     * @param value the value for {@code key}; may be null
     * @return a new immutable child context carrying the pair
     * @throws NullPointerException if {@code key} is null (Go panics on a nil key)
     */
    public static Context withValue(Context parent, Object key, Object value) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(key, "nil key");
        return new ValueContext(parent, key, value);
    }

    /**
     * Go 1.21's {@code context.WithoutCancel(parent)}: a context with the values of
     * {@code parent} that is never cancelled when {@code parent} is: {@link #done()} never
     * closes, {@link #err()} and {@link #cause(Context)} are null, and there is no deadline.
     * Children made from it register nowhere above it: cancelling {@code parent} does not reach
     * them. Use it for work that must outlive a request (an audit write, a cache fill) but keep
     * its values.
     *
     * <pre>{@code
     * Context detached = Context.withoutCancel(requestCtx);        // keeps REQUEST_ID
     * Go.go(() -> audit(Context.withTimeout(detached, Duration.ofSeconds(5)), event));
     * }</pre>
     *
     * @param parent the context whose values are kept; its cancellation is not
     * @return a new context that is never done, with {@code parent}'s values
     * @throws NullPointerException if {@code parent} is null
     */
    public static Context withoutCancel(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return new WithoutCancel(parent);
    }

    /**
     * Go 1.21's {@code context.AfterFunc(ctx, f)}: arranges to run {@code f} in its own virtual
     * thread once {@code ctx} is done (cancelled or expired); if {@code ctx} is done already,
     * {@code f} is started at once. {@code f} runs at most once, and not at all if
     * {@link StopFunc#stop()} wins first.
     *
     * <p>The virtual thread: if the caller of {@code afterFunc} is a virtual thread of a
     * {@code GoScheduler}, {@code f} runs on that scheduler (whichever thread cancels
     * {@code ctx}, even weft's timer thread for a deadline). Otherwise {@code f} runs on a
     * virtual thread created by {@code Thread.ofVirtual()} here, in the calling thread, so it
     * has that thread's default: the JDK's virtual thread scheduler. A start that fails (the
     * scheduler was closed) is logged, never thrown to the canceller.
     *
     * <p>The returned {@link StopFunc}'s {@code stop()} returns true if it stopped {@code f} from
     * being run (and then unregisters from {@code ctx}, so a stopped registration is garbage at
     * once), false if {@code f} was already started or {@code stop} was already called. It does
     * not wait for {@code f} to finish. On a context that can never be done
     * ({@link #background()}, {@link #withoutCancel}) nothing is registered and the first
     * {@code stop()} returns true.
     *
     * <pre>{@code
     * StopFunc stop = Context.afterFunc(ctx, () -> conn.close());   // stop := context.AfterFunc(ctx, ...)
     * try { return conn.read(); } finally { stop.stop(); }
     * }</pre>
     *
     * @param ctx the context to watch
     * @param f the function to run once in its own virtual thread after {@code ctx} is done
     * @return a handle whose {@link StopFunc#stop()} unregisters {@code f} if it has not started yet
     * @throws NullPointerException if {@code ctx} or {@code f} is null
     */
    public static StopFunc afterFunc(Context ctx, Runnable f) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(f, "f");
        CancelContext registeredWith = ctx.nearestCancel();
        AfterFuncRegistration a = new AfterFuncRegistration(registeredWith, f, currentStarter(f));
        if (registeredWith != null) {
            registeredWith.register(a);
        }
        return a;
    }

    /**
     * What starts {@code f} later: the current GoScheduler's factory, or a virtual thread made
     * now (so that it takes the caller's scheduler, not the canceller's).
     */
    private static Object currentStarter(Runnable f) {
        if (Thread.currentThread().isVirtual()) {
            try {
                Optional<ThreadFactory> weft = GoScheduler.current().map(GoScheduler::virtualThreadFactory);
                if (weft.isPresent()) {
                    return weft.get();
                }
            } catch (IllegalStateException notOpened) {
                // java.lang not opened to weft: then no virtual thread runs on a GoScheduler
            }
        }
        return Thread.ofVirtual().unstarted(f);
    }

    /**
     * Go 1.20's {@code context.Cause(ctx)}: why {@code ctx} is done. Null while it is not done;
     * then the cause given to {@link CancelCauseContext#cancel(Throwable)} or to
     * {@link #withDeadlineCause}/{@link #withTimeoutCause}, found on the nearest cancellable
     * context on the path to the root (a context cancelled by its parent has its parent's
     * cause); or {@link #err()} when it was cancelled without a cause (a null cause,
     * {@link CancelContext#cancel()}, an expired {@link #withTimeout}). Null for contexts that
     * are never done ({@link #background()}, {@link #withoutCancel}).
     *
     * <pre>{@code
     * if (ctx.isDone() && Context.cause(ctx) instanceof IOException io) retryLater(io);
     * }</pre>
     *
     * @param ctx the context to ask; not null
     * @return the cause of {@code ctx} being done, or null while it is not done (or never can be)
     * @throws NullPointerException if {@code ctx} is null
     */
    public static Throwable cause(Context ctx) {
        Objects.requireNonNull(ctx, "ctx");
        CancelContext c = ctx.nearestCancel();
        return c == null ? ctx.err() : c.cause();
    }

    /**
     * Go's {@code ctx.Done()}: a channel closed when this context is done, never sent on. Use it
     * in a select, as Go's {@code case <-ctx.Done():}
     *
     * <pre>{@code Select.select(jobs.onReceive(j -> run(j)), ctx.done().onReceiveOk((v, ok) -> stop()));}</pre>
     *
     * @return the done channel: closed (never sent on) once this context is done; the same channel on every
     *         call
     */
    public abstract ReceiveChan<Void> done();

    /**
     * Go's {@code ctx.Err()}: null while the context is active, then {@link #CANCELED} or
     * {@link #DEADLINE_EXCEEDED}, forever.
     *
     * <pre>{@code if (ctx.err() != null) return;}</pre>
     *
     * @return null while this context is active, then {@link #CANCELED} or {@link #DEADLINE_EXCEEDED} forever
     */
    public abstract ContextException err();

    /**
     * Go's {@code ctx.Deadline()}: when this context will be done by itself, if ever (the
     * earliest deadline on the path to the root).
     *
     * <pre>{@code Duration left = Duration.between(Instant.now(), ctx.deadline().orElse(Instant.MAX));}</pre>
     *
     * @return the earliest deadline on the path to the root, or empty if this context never expires by itself
     */
    public abstract Optional<Instant> deadline();

    /**
     * Go's {@code ctx.Value(key)}: the value of the nearest {@link #withValue} for {@code key}
     * (keys compared with {@code equals}) on the path to the root, or null.
     *
     * <pre>{@code String user = (String) ctx.value(USER_KEY);}</pre>
     *
     * @param key the key to look up, compared with {@code equals}
     * @return the nearest value stored for {@code key}, or null if none (or the stored value is null)
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
     *
     * @return true once this context is done (cancelled or expired); never false again after that
     */
    public boolean isDone() {
        return err() != null;
    }

    /** The parent, or null at the root. */
    abstract Context parent();

    /** The nearest cancellable context on the path to the root (this one included), or null. */
    abstract CancelContext nearestCancel();

    /**
     * A context that is never cancelled and has no deadline: {@link #background()},
     * {@link #todo()}, and (with a parent for its values) {@link #withoutCancel}.
     */
    static sealed class NeverCancelled extends Context permits Background, WithoutCancel {
        /** Never closed, never sent on: nobody outside this class holds it as a SendChan. */
        static final Chan<Void> NEVER = Chan.unbuffered();

        @Override
        public final ReceiveChan<Void> done() {
            return NEVER;
        }

        @Override
        public final ContextException err() {
            return null;
        }

        @Override
        public final Optional<Instant> deadline() {
            return Optional.empty();
        }

        @Override
        Context parent() {
            return null;
        }

        /** Null: children of a never-cancelled context find no cancellable ancestor and never register above it. */
        @Override
        final CancelContext nearestCancel() {
            return null;
        }
    }

    /** {@link #background()} and {@link #todo()}. */
    static final class Background extends NeverCancelled {
        static final Background INSTANCE = new Background("Context.background()");
        static final Background TODO = new Background("context.TODO");

        private final String name;

        private Background(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@link #withoutCancel}: the parent's values, none of its cancellation. */
    static final class WithoutCancel extends NeverCancelled {
        private final Context parent;

        WithoutCancel(Context parent) {
            this.parent = parent;
        }

        @Override
        Context parent() {
            return parent;
        }

        @Override
        public String toString() {
            return parent + ".withoutCancel()";
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

package dev.weft.channels;

import java.time.Instant;

/**
 * The context of Go 1.20's {@code context.WithCancelCause}, made by
 * {@link Context#withCancelCause}: a {@link CancelContext} that is also its own
 * {@link CancelCauseFunc}. {@link #cancel(Throwable)} records a cause that
 * {@link Context#cause} returns; {@link #cancel()} and {@link #close()} cancel with cause
 * {@link Context#CANCELED}, as Go's {@code cancel(nil)}.
 *
 * <pre>{@code
 * try (CancelCauseContext ctx = Context.withCancelCause(parent)) {   // defer cancel(nil)
 *     if (!healthy()) ctx.cancel(new IllegalStateException("unhealthy"));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe, as every context: the first cancel wins, from any thread.
 */
public final class CancelCauseContext extends CancelContext implements CancelCauseFunc {
    CancelCauseContext(Context parent, Instant deadline) {
        super(parent, deadline);
    }

    /**
     * Go's {@code cancel(cause)}: makes this context and its descendants done with
     * {@link Context#CANCELED}, and {@link Context#cause} of each of them {@code cause} (null
     * means {@link Context#CANCELED}). If this context is already done, nothing changes: the
     * first cancel's cause stays. Idempotent, thread-safe, never blocks a carrier.
     *
     * <pre>{@code ctx.cancel(new IOException("peer reset"));}</pre>
     *
     * @param cause why the context is cancelled, or null
     */
    @Override
    public void cancel(Throwable cause) {
        cancel(Context.CANCELED, cause, true);
    }
}

package dev.weft.channels;

/**
 * Go 1.20's {@code context.CancelCauseFunc}: cancels a context and records why.
 * {@link CancelCauseContext}, returned by {@link Context#withCancelCause}, is one; pass it (or
 * {@code ctx::cancel}) to code that may cancel but should not see the context.
 *
 * <pre>{@code
 * CancelCauseContext ctx = Context.withCancelCause(parent);
 * CancelCauseFunc cancel = ctx;                       // ctx, cancel := context.WithCancelCause(parent)
 * cancel.cancel(new TimeoutException("no heartbeat"));
 * }</pre>
 */
@FunctionalInterface
public interface CancelCauseFunc {
    /**
     * Cancels the context with {@link Context#CANCELED} as its error and {@code cause} as its
     * {@linkplain Context#cause cause}, unless it is already done (then nothing changes: the
     * first cancel wins). A null {@code cause} means {@link Context#CANCELED}, as Go's
     * {@code cancel(nil)}. Thread-safe, idempotent, never blocks.
     *
     * @param cause why the context is cancelled, or null
     */
    void cancel(Throwable cause);
}

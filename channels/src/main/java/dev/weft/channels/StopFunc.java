package dev.weft.channels;

/**
 * The {@code stop func() bool} that Go 1.21's {@code context.AfterFunc} returns: returned by
 * {@link Context#afterFunc}, it unregisters the function from its context.
 *
 * <pre>{@code
 * StopFunc stop = Context.afterFunc(ctx, () -> conn.close());
 * try { return conn.read(); } finally { stop.stop(); }
 * }</pre>
 */
@FunctionalInterface
public interface StopFunc {
    /**
     * Stops the function from being run. Thread-safe; does not wait for a function already
     * started to finish.
     *
     * @return true if this call stopped the function from being run; false if the function was
     *         already started (the context was done) or {@code stop} was already called
     */
    boolean stop();
}

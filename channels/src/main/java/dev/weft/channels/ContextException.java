package dev.weft.channels;

/**
 * Why a {@link Context} is done, Go's {@code context.Canceled} and
 * {@code context.DeadlineExceeded}: {@link Context#err()} returns one of the two shared
 * instances {@link Context#CANCELED} ("context canceled") and {@link Context#DEADLINE_EXCEEDED}
 * ("context deadline exceeded"), so compare with {@code ==}.
 *
 * <pre>{@code
 * if (ctx.err() == Context.DEADLINE_EXCEEDED) log.warn("gave up: {}", ctx.err().getMessage());
 * if (ctx.isDone()) throw ctx.err();
 * }</pre>
 *
 * <p>The two instances are immutable and safe to throw from any thread: they carry no stack
 * trace (it would be the first thrower's, and misleading), accept no suppressed exceptions, and
 * their cause is fixed to null. To keep the thrower's stack, wrap one:
 * {@code throw new IllegalStateException("fetch aborted", ctx.err())}.
 */
public class ContextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** True for {@link Context#DEADLINE_EXCEEDED}: what {@link #isTimeout()} returns. */
    private final boolean timeout;

    ContextException(String message, boolean timeout) {
        super(message, null, false, false);
        this.timeout = timeout;
    }

    /**
     * Go's {@code Timeout()} of {@code DeadlineExceeded}: true for
     * {@link Context#DEADLINE_EXCEEDED}, false for {@link Context#CANCELED}.
     *
     * <pre>{@code boolean timedOut = ctx.err() != null && ctx.err().isTimeout();}</pre>
     *
     * @return true for {@link Context#DEADLINE_EXCEEDED} (Go's {@code Timeout()} of that error), false for
     *         {@link Context#CANCELED}
     */
    public boolean isTimeout() {
        return timeout;
    }
}

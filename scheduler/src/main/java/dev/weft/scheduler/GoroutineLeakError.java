package dev.weft.scheduler;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by {@link Goroutines#verifyNone} when goroutines are still alive after the grace period:
 * one error listing every one of them, each with its name, scheduler, state, what it waits on
 * and its stack (the message of Go's goleak, "found unexpected goroutines").
 *
 * <p>An {@link AssertionError}, so every test framework reports it as a test failure.
 */
public final class GoroutineLeakError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** Not serialized: threads are not. */
    private final transient List<Goroutine> leaked;

    /**
     * @param leaked the goroutines found alive, at least one
     * @param grace  how long {@code verifyNone} waited for them to end
     * @throws IllegalArgumentException if {@code leaked} is empty
     */
    public GoroutineLeakError(List<Goroutine> leaked, Duration grace) {
        super(message(leaked, grace));
        this.leaked = List.copyOf(leaked);
    }

    /** The goroutines found alive, as seen at the last look. */
    public List<Goroutine> leaked() {
        return leaked == null ? List.of() : leaked;
    }

    private static String message(List<Goroutine> leaked, Duration grace) {
        if (leaked.isEmpty()) {
            throw new IllegalArgumentException("a GoroutineLeakError needs at least one leaked goroutine");
        }
        StringBuilder sb = new StringBuilder("found unexpected goroutines: ").append(leaked.size())
                .append(leaked.size() == 1 ? " virtual thread" : " virtual threads")
                .append(" still alive after a grace period of ").append(Goroutines.format(grace)).append(':');
        for (Goroutine g : leaked) {
            sb.append('\n').append(g);
        }
        return sb.toString();
    }
}

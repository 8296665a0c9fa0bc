package dev.weft.scheduler;

import dev.weft.scheduler.engine.Engine;

/** What the engine's tests (package {@code dev.weft.scheduler.engine}) need from this package. */
public final class TestAccess {
    private TestAccess() {}

    /** The engine under {@code s}. */
    public static Engine engine(GoScheduler s) {
        return s.scheduler();
    }

    /** {@link Goroutines}'s one-line description of {@code t} on scheduler {@code scheduler}. */
    public static Goroutine describe(Thread t, String scheduler) {
        return Goroutines.describe(t, scheduler);
    }
}

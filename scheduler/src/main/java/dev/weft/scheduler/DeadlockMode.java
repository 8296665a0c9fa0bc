package dev.weft.scheduler;

/**
 * What a {@link GoScheduler}'s sysmon does when every virtual thread of the scheduler is asleep
 * and nothing can wake them: Go's fatal error "all goroutines are asleep - deadlock!". Go always
 * ends the program; weft logs by default, since a JVM holds more than goroutines.
 *
 * <p>Set with {@link GoScheduler.Builder#deadlockMode}, or for {@link GoScheduler#create()} and
 * {@link GoScheduler#global()} with {@code -Dweft.deadlock=off|log|fail} (the constants'
 * names, any case).
 */
public enum DeadlockMode {
    /** No check at all ({@code -Dweft.deadlock=off}). */
    OFF,
    /** Log Go's message at ERROR with each parked thread's stack; the default ({@code -Dweft.deadlock=log}). */
    LOG,
    /**
     * Log as {@link #LOG} does, and fail the virtual threads blocked in weft channel operations
     * with a {@link DeadlockException} ({@code -Dweft.deadlock=fail}): the closest to Go's fatal
     * error that leaves the rest of the JVM running.
     */
    FAIL
}

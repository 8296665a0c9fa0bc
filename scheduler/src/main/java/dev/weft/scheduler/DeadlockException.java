package dev.weft.scheduler;

/**
 * Go's fatal error "all goroutines are asleep - deadlock!", as an exception: every virtual
 * thread of a {@link GoScheduler} is blocked, no timer is pending, and no thread outside the
 * scheduler can wake them (as far as can be known, see the scheduler's deadlock detection).
 *
 * <p>By default weft only logs the deadlock at ERROR. With {@code -Dweft.deadlock=fail}, each
 * virtual thread of the deadlocked scheduler that is blocked in a weft channel operation (a send,
 * a receive, a select, a {@code WaitGroup} wait) is woken and that operation throws this
 * exception. The operation that throws did not happen: a send's value was not delivered and
 * stays with the sender, a receive took nothing, a select committed no case, exactly as when the
 * operation is interrupted. If a counterpart completes the operation before the blocked thread
 * can withdraw it, the operation returns normally and nothing is thrown (it was not a deadlock
 * after all).
 *
 * <p>Threads blocked elsewhere (a {@code java.util.concurrent} latch or lock,
 * {@code Object.wait}) are reported but not failed.
 */
public class DeadlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message the detail message; {@link #message(int, String)} gives Go's wording
     */
    public DeadlockException(String message) {
        super(message);
    }

    /**
     * An exception with Go's message for {@code parked} virtual threads of the named scheduler.
     *
     * @param parked        how many virtual threads of the scheduler are asleep
     * @param schedulerName the scheduler's name
     */
    public DeadlockException(int parked, String schedulerName) {
        this(message(parked, schedulerName));
    }

    /**
     * Go's words: {@code "all goroutines are asleep - deadlock! (3 virtual threads of weft-1
     * parked)"}.
     *
     * @param parked        how many virtual threads of the scheduler are asleep
     * @param schedulerName the scheduler's name
     * @return the message
     */
    public static String message(int parked, String schedulerName) {
        return "all goroutines are asleep - deadlock! (" + parked + " virtual thread" + (parked == 1 ? "" : "s")
                + " of " + schedulerName + " parked)";
    }
}

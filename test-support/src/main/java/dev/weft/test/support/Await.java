package dev.weft.test.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for a condition that another thread makes true, without sleeping for a guessed
 * time: polls every millisecond up to a timeout, which fails the test naming what was awaited.
 */
public final class Await {
    private Await() {}

    /** The timeout of {@link #awaitTrue(BooleanSupplier, String)}: 60 s, a bound for a loaded machine, not an expectation. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Waits until {@code condition} is true, {@link #TIMEOUT} at most.
     *
     * @param what what is awaited, for the failure message
     * @throws AssertionError (a failed test) if it is still false after the timeout
     */
    public static void awaitTrue(BooleanSupplier condition, String what) {
        awaitTrue(what, TIMEOUT, condition);
    }

    /** As {@link #awaitTrue(String, Duration, BooleanSupplier)}, the timeout in milliseconds. */
    public static void awaitTrue(String what, long timeoutMillis, BooleanSupplier condition) {
        awaitTrue(what, Duration.ofMillis(timeoutMillis), condition);
    }

    /**
     * Waits until {@code condition} is true: checks it between yields for the first thousand
     * times (a state that passes quickly is seen), then every millisecond.
     *
     * @param what    what is awaited, for the failure message
     * @param timeout how long at most
     * @throws AssertionError (a failed test) if it is still false after {@code timeout}, or the
     *                        waiting thread is interrupted (its interrupt status is kept)
     */
    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int checks = 0; !condition.getAsBoolean(); checks++) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for: " + what);
            }
            if (checks < 1000) {
                Thread.yield();
                Thread.onSpinWait();
                continue;
            }
            try {
                Thread.sleep(1); // polling a condition, not waiting a guessed time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    /**
     * A task that counts {@code started} down and then waits for {@code release}: a goroutine
     * that is known to have started and stays parked until the test lets it go.
     *
     * @return the task; it throws {@link AssertionError} if interrupted while it waits
     */
    public static Runnable startedThenAwait(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
    }
}

package dev.weft.scheduler;

import java.util.Objects;

/**
 * Go's {@code go} statement and {@code runtime} functions, on the {@linkplain GoScheduler#global()
 * global scheduler}.
 *
 * <pre>{@code
 * import static dev.weft.scheduler.Go.go;
 *
 * Thread t = go(() -> System.out.println("hello"));   // go f()
 * int n = Go.gomaxprocs();                              // runtime.GOMAXPROCS(0)
 * Go.gomaxprocs(2);                                     // runtime.GOMAXPROCS(2)
 * long g = Go.numGoroutine();                           // runtime.NumGoroutine()
 * Go.gosched();                                         // runtime.Gosched()
 * }</pre>
 */
public final class Go {
    private Go() {}

    /**
     * Starts a virtual thread on the global scheduler: Go's {@code go task()}.
     *
     * @param task what the virtual thread runs; its uncaught exception goes to the thread's
     *         uncaught-exception handler
     * @return the started virtual thread
     * @throws NullPointerException if {@code task} is null (checked before the global scheduler is created)
     * @throws IllegalStateException if the global scheduler cannot be created (see {@link
     *         GoScheduler#global()})
     */
    public static Thread go(Runnable task) {
        Objects.requireNonNull(task, "task"); // before global(): a null task creates no scheduler
        return GoScheduler.global().go(task);
    }

    /**
     * The global scheduler's number of P slots: Go's {@code runtime.GOMAXPROCS(0)}.
     *
     * @return the global scheduler's current size, from 1 to {@value GoScheduler#MAX_GOMAXPROCS}
     */
    public static int gomaxprocs() {
        return GoScheduler.global().gomaxprocs();
    }

    /**
     * Resizes the global scheduler: Go's {@code runtime.GOMAXPROCS(n)}; {@code n < 1} only queries.
     *
     * @param n the new size, up to {@value GoScheduler#MAX_GOMAXPROCS}; below 1 only queries
     * @return the previous size
     * @throws IllegalArgumentException if {@code n} is above {@value GoScheduler#MAX_GOMAXPROCS}
     */
    public static int gomaxprocs(int n) {
        return GoScheduler.global().gomaxprocs(n);
    }

    /**
     * Virtual threads alive on the global scheduler: Go's {@code runtime.NumGoroutine()}.
     *
     * @return the count now, 0 or more; may be stale at once
     */
    public static long numGoroutine() {
        return GoScheduler.global().numGoroutine();
    }

    /**
     * Yields the processor, letting other virtual threads run: Go's {@code runtime.Gosched()}.
     * The same as {@link Thread#yield()}: on a GoScheduler the yielder goes behind the other
     * runnable work.
     */
    public static void gosched() {
        Thread.yield();
    }
}

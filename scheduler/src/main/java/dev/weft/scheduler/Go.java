package dev.weft.scheduler;

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
    private Go() {
    }

    /**
     * Starts a virtual thread on the global scheduler: Go's {@code go task()}.
     *
     * @return the started virtual thread
     */
    public static Thread go(Runnable task) {
        return GoScheduler.global().go(task);
    }

    /** The global scheduler's number of P slots: Go's {@code runtime.GOMAXPROCS(0)}. */
    public static int gomaxprocs() {
        return GoScheduler.global().gomaxprocs();
    }

    /**
     * Resizes the global scheduler: Go's {@code runtime.GOMAXPROCS(n)}; {@code n < 1} only queries.
     *
     * @return the previous size
     * @throws IllegalArgumentException if {@code n} is above {@value GoScheduler#MAX_GOMAXPROCS}
     */
    public static int gomaxprocs(int n) {
        return GoScheduler.global().gomaxprocs(n);
    }

    /** Virtual threads alive on the global scheduler: Go's {@code runtime.NumGoroutine()}. */
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

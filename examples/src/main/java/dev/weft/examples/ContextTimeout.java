package dev.weft.examples;

import dev.weft.channels.CancelContext;
import dev.weft.channels.Chan;
import dev.weft.channels.Context;
import dev.weft.channels.ContextException;
import dev.weft.channels.Select;
import dev.weft.channels.Timers;
import dev.weft.scheduler.Go;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Go's {@code context.WithTimeout}: a goroutine works step by step and stops as soon as its
 * context expires.
 *
 * <pre>{@code
 * ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
 * defer cancel()
 * for {
 *     select {
 *     case <-ctx.Done():
 *         return ctx.Err()                 // context deadline exceeded
 *     case <-time.After(100 * time.Millisecond):
 *         step++
 *     }
 * }
 * }</pre>
 *
 * <p>The work needs {@value #STEPS} steps of 100 ms, but the context expires after 350 ms, so it
 * stops after about 3. Run: {@code ./weft run ContextTimeout}.
 */
public final class ContextTimeout {
    static final int STEPS = 10;
    static final Duration STEP = Duration.ofMillis(100);
    static final Duration TIMEOUT = Duration.ofMillis(350);

    private ContextTimeout() {}

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    /**
     * Runs the work under a {@link #TIMEOUT} context.
     *
     * @return the context's error once the work stopped
     */
    static ContextException run(PrintStream out) throws InterruptedException {
        try (CancelContext ctx = Context.withTimeout(Context.background(), TIMEOUT)) {
            Chan<Integer> done = Chan.buffered(1);
            Go.go(() -> {
                try {
                    done.send(work(ctx, out));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int steps = done.receive();
            out.println("work stopped after " + steps + " of " + STEPS + " steps; ctx.err() = "
                    + ctx.err().getMessage());
            return ctx.err();
        }
    }

    /** Does up to {@value #STEPS} steps, stopping when {@code ctx} is done; returns the steps done. */
    static int work(Context ctx, PrintStream out) throws InterruptedException {
        int step = 0;
        while (step < STEPS) {
            boolean stepped = Select.select(
                    ctx.done().onReceiveOk((v, ok) -> false), // case <-ctx.Done()
                    Timers.after(STEP).onReceive(t -> true)); // case <-time.After(step)
            if (!stepped) {
                out.println("context done: " + ctx.err().getMessage());
                break;
            }
            step++;
            out.println("step " + step + " done");
        }
        return step;
    }
}

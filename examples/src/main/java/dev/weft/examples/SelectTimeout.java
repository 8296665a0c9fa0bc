package dev.weft.examples;

import dev.weft.channels.Chan;
import dev.weft.channels.ReceiveChan;
import dev.weft.channels.Select;
import dev.weft.channels.Timers;
import dev.weft.scheduler.Go;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Go's select with a timeout: wait for a result, but no longer than a deadline.
 *
 * <pre>{@code
 * select {
 * case r := <-fast:                   // answers after 50 ms
 *     fmt.Println("received", r)
 * case <-time.After(500 * time.Millisecond):
 *     fmt.Println("timeout")
 * }
 * }</pre>
 *
 * <p>A fast source answers well within the timeout; a slow one does not, and the select gives up
 * on it. Run: {@code ./weft run SelectTimeout}.
 */
public final class SelectTimeout {
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final Duration FAST = Duration.ofMillis(50);
    static final Duration SLOW = Duration.ofMillis(1500);

    private SelectTimeout() {}

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    static void run(PrintStream out) throws InterruptedException {
        out.println(waitFor("fast", source("fast result", FAST)));
        out.println(waitFor("slow", source("slow result", SLOW)));
    }

    /** Selects between {@code source} and a {@link #TIMEOUT} timer. */
    static String waitFor(String name, ReceiveChan<String> source) throws InterruptedException {
        long start = System.nanoTime();
        String line = Select.select(
                source.onReceive(r -> name + " source: received '" + r + "'"),
                Timers.after(TIMEOUT).onReceive(t -> name + " source: timed out after " + TIMEOUT.toMillis() + " ms"));
        return line + " (waited " + (System.nanoTime() - start) / 1_000_000 + " ms)";
    }

    /**
     * A goroutine that sends {@code value} after {@code delay}. The channel has room for the value,
     * so the sender never blocks, even when nobody waits for it any more (no goroutine leak).
     */
    static ReceiveChan<String> source(String value, Duration delay) {
        Chan<String> c = Chan.buffered(1);
        Go.go(() -> {
            try {
                Thread.sleep(delay);
                c.send(value);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return c;
    }
}

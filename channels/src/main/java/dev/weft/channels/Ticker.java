package dev.weft.channels;

import java.time.Duration;
import java.time.Instant;

/**
 * Go's {@code *time.Ticker} with Go 1.23 semantics: sends the current time on {@link #c()} every
 * period. A slow receiver misses ticks: at most one tick is pending, later ones are dropped, and
 * ticks stay on the original phase. As in Go 1.23, {@code len()} and {@code cap()} of the
 * channel are 0.
 *
 * <pre>{@code
 * Ticker ticker = Timers.newTicker(Duration.ofSeconds(1));
 * try {
 *     while (true) {
 *         boolean more = Select.select(
 *             ticker.c().onReceive(now -> { report(now); return true; }),
 *             ctx.done().onReceiveOk((v, ok) -> false));
 *         if (!more) break;
 *     }
 * } finally {
 *     ticker.stop();
 * }
 * }</pre>
 *
 * <p>After {@link #stop()} or {@link #reset} returns, no tick from before the call is received.
 * A stopped ticker holds no heap entry; a ticker nobody references any more (ticker object and
 * channel) may be collected without being stopped, as in Go 1.23. Thread-safe.
 */
public final class Ticker {
    final Timers.Entry entry;
    private final Chan<Instant> chan;

    Ticker(Timers.Entry entry, Chan<Instant> chan) {
        this.entry = entry;
        this.chan = chan;
    }

    /**
     * Go's {@code ticker.C}: the ticks.
     *
     * <pre>{@code for (Instant t : ticker.c()) { ... }   // ranges until the thread is interrupted}</pre>
     *
     * @return the ticks channel; the same channel for the ticker's whole life, never closed
     */
    public ReceiveChan<Instant> c() {
        return chan;
    }

    /**
     * Go's {@code ticker.Stop()}: no more ticks, and a pending one is discarded (Go 1.23). The
     * channel is not closed, as in Go: a receiver blocked on it stays blocked.
     *
     * <pre>{@code ticker.stop();}</pre>
     */
    public void stop() {
        Timers.stop(entry, chan);
    }

    /**
     * Go's {@code ticker.Reset(d)}: stops the ticker, discards a pending tick, and ticks every
     * {@code period} from now on, the first one {@code period} from now. Also restarts a stopped
     * ticker.
     *
     * <pre>{@code ticker.reset(Duration.ofMillis(250));}</pre>
     *
     * @param period the new interval between ticks; positive; saturated at about 73 years
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is zero or negative (Go panics)
     */
    public void reset(Duration period) {
        long nanos = Timers.tickerPeriod(period, "Ticker.reset");
        Timers.reset(entry, chan, nanos, nanos);
    }

    /** Whether the ticker is in the heap now (package-private, for tests). */
    boolean pendingForTest() {
        return Timers.inHeapForTest(entry);
    }

    @Override
    public String toString() {
        return "Ticker[" + chan + "]";
    }
}

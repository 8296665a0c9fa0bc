package dev.weft.channels;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Go's {@code *time.Timer} with Go 1.23 semantics: sends the current time once on {@link #c()}
 * when it fires, or, for a timer made by {@link Timers#afterFunc}, starts its function.
 *
 * <pre>{@code
 * Timer t = Timers.newTimer(Duration.ofMillis(500));
 * String r = Select.select(
 *     replies.onReceive(v -> "reply " + v),
 *     t.c().onReceive(now -> "timed out"));
 * t.stop();                      // frees the heap entry at once if the reply won
 * }</pre>
 *
 * <p>Go 1.23 guarantees: once {@link #stop()} or {@link #reset} returns, no value from before
 * the call is ever received from {@link #c()}; and a timer that fired but whose value nobody
 * received yet counts as not fired, so stop and reset return true for it (they drain the value).
 *
 * <p>Thread-safe: stop, reset and the timer thread's fire are serialised on the timer's heap
 * entry (see {@link Timers}). A timer that has fired or was stopped holds no heap entry; one
 * that nobody references any more (timer object and channel) may be collected even if pending.
 */
public final class Timer {
    final Timers.Entry entry;
    /** The channel; null for a func timer. Held strongly here: a live Timer keeps its channel. */
    private final Chan<Instant> chan;

    Timer(Timers.Entry entry, Chan<Instant> chan) {
        this.entry = entry;
        this.chan = chan;
    }

    /**
     * Go's {@code t.C}: receives the time the timer fired. As in Go 1.23 (synchronous timer
     * channels), {@code len()} and {@code cap()} are always 0, and no value fired before a
     * {@link #stop} or {@link #reset} is received after it.
     *
     * <pre>{@code Instant when = timer.c().receive();}</pre>
     *
     * @return the timer's channel, holding at most one fired {@link Instant}; never closed
     * @throws IllegalStateException for a timer made by {@link Timers#afterFunc}, which has no
     *                               channel (Go's is nil)
     */
    public ReceiveChan<Instant> c() {
        if (chan == null) {
            throw new IllegalStateException("a timer made by afterFunc has no channel");
        }
        return chan;
    }

    /**
     * Go's {@code t.Stop()}: prevents the timer from firing. After it returns, nothing is
     * received from {@link #c()} until a {@link #reset}.
     *
     * <pre>{@code boolean stoppedIt = t.stop();   // false: already received, or already stopped}</pre>
     *
     * @return true if this call stopped the timer: it was pending, or (Go 1.23) it had fired but
     *         its value was not received yet, which this call discards. For an afterFunc timer:
     *         true if it stopped the function from being started.
     */
    public boolean stop() {
        return Timers.stop(entry, chan);
    }

    /**
     * Go's {@code t.Reset(d)}: makes the timer fire {@code d} from now (at once if {@code d} is
     * not positive), discarding any value fired before and not received (Go 1.23).
     *
     * <pre>{@code t.reset(Duration.ofSeconds(1));   // idle timeout: push it back on activity}</pre>
     *
     * @return true if the timer was active (pending, or fired with its value not received),
     *         false if it had fired and been received, or had been stopped
     *
     * @param d the new delay from now; zero or negative fires at once; saturated at about 73 years
     * @throws NullPointerException if {@code d} is null
     */
    public boolean reset(Duration d) {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(d, "d")); // saturates
        return Timers.reset(entry, chan, nanos, 0);
    }

    /** Whether the timer is in the heap now (package-private, for tests). */
    boolean pendingForTest() {
        return Timers.inHeapForTest(entry);
    }

    @Override
    public String toString() {
        return chan == null ? "Timer[func]" : "Timer[" + chan + "]";
    }
}

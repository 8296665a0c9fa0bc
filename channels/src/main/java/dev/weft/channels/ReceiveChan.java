package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The receiving side of a channel, Go's {@code <-chan T}. Iterating it receives until the channel
 * is closed and drained, as Go's {@code for v := range ch}.
 *
 * @param <T> the element type; {@code null} is never a value
 */
public interface ReceiveChan<T> extends Iterable<T> {
    /**
     * Receives a value, blocking while the channel is empty.
     *
     * @return the received value; never null
     * @throws ChannelClosedException if the channel is closed and drained
     * @throws InterruptedException   if interrupted before a value was taken (none is lost)
     * @throws DeadlockException      with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                                detector finds this receive blocked in a deadlock; no value
     *                                was taken
     */
    T receive() throws InterruptedException;

    /**
     * Go's {@code v, ok := <-ch}: a value, or {@code null} when the channel is closed and drained
     * (values are never null, so null means closed).
     *
     * @return the received value, or null if the channel is closed and drained
     * @throws InterruptedException if interrupted before a value was taken
     * @throws DeadlockException    with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                              detector finds this receive blocked in a deadlock; no value
     *                              was taken
     */
    T receiveOrNull() throws InterruptedException;

    /**
     * Receives, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative means only try, as {@link #tryReceive};
     *         converted to nanoseconds
     * @return the value, or null if the timeout elapsed
     * @throws NullPointerException if {@code timeout} is null
     * @throws ChannelClosedException if the channel is closed and drained
     * @throws InterruptedException   if interrupted before a value was taken
     */
    T receive(Duration timeout) throws InterruptedException;

    /**
     * Receives only if a value is ready; never blocks.
     *
     * @return the value, or null if none is ready
     * @throws ChannelClosedException if the channel is closed and drained
     */
    T tryReceive();

    /**
     * Whether the channel is closed (values may still be buffered).
     *
     * @return true once {@code close()} was called; never false again
     */
    boolean isClosed();

    /**
     * Elements buffered now (racy, as Go's {@code len}); always 0 for a timer's channel (Go 1.23).
     *
     * @return the number of buffered elements, 0 or more; may be stale at once
     */
    int len();

    /**
     * The buffer's capacity; 0 for an unbuffered channel and for a timer's channel (Go 1.23).
     *
     * @return the capacity, 0 or more; never changes
     */
    int cap();

    /**
     * A select clause that receives a value and yields {@code then.apply(value)}. On a closed and
     * drained channel the select commits this clause and throws {@link ChannelClosedException};
     * use {@link #onReceiveOk} to handle close in the select.
     *
     * @param <R> what the select returns when this case is chosen
     * @param then applied to the received value (never null) on the selecting thread; its result is the
     *         select's
     * @return a clause for {@link Select#select}; reusable
     * @throws NullPointerException if {@code then} is null
     */
    <R> SelectClause<R> onReceive(Function<? super T, ? extends R> then);

    /**
     * Go's {@code case v, ok := <-ch}: yields {@code then.apply(value, true)}, or
     * {@code then.apply(null, false)} when the channel is closed and drained.
     *
     * @param <R> what the select returns when this case is chosen
     * @param then applied to {@code (value, true)} or {@code (null, false)} on the selecting thread; its
     *         result is the select's
     * @return a clause for {@link Select#select}; reusable
     * @throws NullPointerException if {@code then} is null
     */
    <R> SelectClause<R> onReceiveOk(BiFunction<? super T, Boolean, ? extends R> then);

    /**
     * A select clause that receives and yields the value itself.
     *
     * @return a clause for {@link Select#select} that yields the received value
     */
    default SelectClause<T> onReceive() {
        return onReceive(Function.identity());
    }
}

package dev.weft.channels;

import dev.weft.scheduler.DeadlockException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The sending side of a channel, Go's {@code chan<- T}.
 *
 * @param <T> the element type; {@code null} is never a value
 */
public interface SendChan<T> {
    /**
     * Sends {@code value}, blocking while the buffer is full (on an unbuffered channel: until a
     * receiver takes it). If interrupted while blocked, either the value was delivered (this
     * method returns normally, with the interrupt status set) or it was not (it throws and the
     * value is still the caller's): never both, never lost.
     *
     * @param value the value to send; never null (channels carry no null)
     * @throws ChannelClosedException if the channel is closed ("send on closed channel"),
     *                                before or while blocked
     * @throws InterruptedException   if interrupted before the value was delivered
     * @throws DeadlockException      with {@code -Dweft.deadlock=fail}, if the scheduler's deadlock
     *                                detector finds this send blocked in a deadlock; the value
     *                                was not delivered and is still the caller's
     * @throws NullPointerException   if {@code value} is null
     */
    void send(T value) throws InterruptedException;

    /**
     * Sends {@code value}, waiting at most {@code timeout}.
     *
     * @param value the value to send; never null (channels carry no null)
     * @param timeout the longest wait; zero or negative means only try, as {@link #trySend};
     *         converted to nanoseconds
     * @return true if delivered, false if the timeout elapsed (the value was not delivered)
     * @throws NullPointerException if {@code value} or {@code timeout} is null
     * @throws ChannelClosedException if the channel is closed
     * @throws InterruptedException   if interrupted before the value was delivered
     */
    boolean send(T value, Duration timeout) throws InterruptedException;

    /**
     * Sends {@code value} only if a receiver is waiting or the buffer has room; never blocks.
     *
     * @param value the value to send; never null (channels carry no null)
     * @return true if delivered or buffered
     * @throws NullPointerException if {@code value} is null
     * @throws ChannelClosedException if the channel is closed
     */
    boolean trySend(T value);

    /**
     * Closes the channel: receivers drain what is buffered, then see it closed; blocked senders
     * fail with {@link ChannelClosedException}.
     *
     * @throws ChannelClosedException if already closed ("close of closed channel")
     */
    void close();

    /**
     * Elements buffered now (racy, as Go's {@code len}).
     *
     * @return the number of buffered elements, from 0 to {@link #cap()}; may be stale at once
     */
    int len();

    /**
     * The buffer's capacity; 0 for an unbuffered channel.
     *
     * @return the capacity given at creation, 0 or more; never changes
     */
    int cap();

    /**
     * A select clause that sends {@code value} and then yields {@code then.get()}.
     * <pre>{@code Select.select(out.onSend(x, () -> "sent"), ...)}</pre>
     * On a closed channel the select commits this clause and throws {@link ChannelClosedException}.
     * A null {@code value} is allowed only in a case that is disabled with
     * {@code Select.when(false, ...)} (it never runs, as Go's case on a nil channel): a select
     * that gets the case enabled throws {@link NullPointerException}, since channels carry no
     * null.
     *
     * @param <R> what the select returns when this case is chosen
     * @param value the value to send; may be null only in a case disabled with {@code Select.when(false,
     *         ...)}
     * @param then run after the value was delivered, on the selecting thread; its result is the select's
     * @return a clause for {@link Select#select}; reusable, holds {@code value} and {@code then}
     * @throws NullPointerException if {@code then} is null
     */
    <R> SelectClause<R> onSend(T value, Supplier<? extends R> then);

    /**
     * A select clause that sends {@code value} and yields null.
     *
     * @param value the value to send; never null in an enabled case
     * @return a clause for {@link Select#select} that yields null when chosen
     */
    default SelectClause<Void> onSend(T value) {
        return onSend(value, () -> null);
    }
}

package dev.weft.channels;

/**
 * An operation on a closed channel, Go's panics and closed receives: {@code "send on closed
 * channel"}, {@code "close of closed channel"}, and {@code "receive on closed channel"} (a
 * receive on a channel that is closed and drained).
 *
 * <p>Unchecked, as Go panics: a correct program doesn't send on a channel it closed. To receive
 * until a channel is closed without an exception, use {@link ReceiveChan#receiveOrNull()},
 * {@link ReceiveChan#onReceiveOk} in a select, or a for-each loop over the channel.
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; weft throws it, user code rarely needs to.
     *
     * @param message what happened, in Go's words, e.g. {@code "send on closed channel"}
     */
    public ChannelClosedException(String message) {
        super(message);
    }
}

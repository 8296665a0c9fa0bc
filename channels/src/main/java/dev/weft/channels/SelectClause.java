package dev.weft.channels;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One case of a {@link Select#select}: a send, a receive, or the default. Made by
 * {@link SendChan#onSend}, {@link ReceiveChan#onReceive}, {@link ReceiveChan#onReceiveOk} and
 * {@link Select#orDefault}; {@link Select#when} disables one at run time (Go's nil channel).
 * A clause is an immutable description and may be reused across selects.
 *
 * @param <R> what the select yields when this case commits
 */
public final class SelectClause<R> {
    static final int SEND = 0;
    static final int RECEIVE = 1;
    static final int RECEIVE_OK = 2;
    static final int DEFAULT = 3;

    /** The channel; null for a default. */
    final Chan<?> chan;
    final int kind;
    final Object value;
    private final Object then;
    /** False when disabled by {@link Select#when}: never ready, like a case on a nil channel. */
    private final boolean active;

    private SelectClause(Chan<?> chan, int kind, Object value, Object then, boolean active) {
        this.chan = chan;
        this.kind = kind;
        this.value = value;
        this.then = then;
        this.active = active;
    }

    private SelectClause(Chan<?> chan, int kind, Object value, Object then) {
        this(chan, kind, value, then, true);
    }

    static <R> SelectClause<R> send(Chan<?> chan, Object value, Supplier<? extends R> then) {
        return new SelectClause<>(chan, SEND, value, then);
    }

    static <R> SelectClause<R> receive(Chan<?> chan, Function<?, ? extends R> then) {
        return new SelectClause<>(chan, RECEIVE, null, then);
    }

    static <R> SelectClause<R> receiveOk(Chan<?> chan, BiFunction<?, Boolean, ? extends R> then) {
        return new SelectClause<>(chan, RECEIVE_OK, null, then);
    }

    static <R> SelectClause<R> orDefault(Supplier<? extends R> then) {
        return new SelectClause<>(null, DEFAULT, null, then);
    }

    /** The same clause, never ready: Go's case on a nil channel (a disabled default is ignored). */
    SelectClause<R> disabled() {
        return new SelectClause<>(chan, kind, value, then, false);
    }

    boolean enabled() {
        return active;
    }

    /** Runs the handler of the committed case (outside every lock). */
    @SuppressWarnings("unchecked")
    R fire(Object received, boolean closed) {
        switch (kind) {
            case SEND -> {
                if (closed) {
                    throw new ChannelClosedException("send on closed channel");
                }
                return ((Supplier<? extends R>) then).get();
            }
            case RECEIVE -> {
                if (closed) {
                    throw new ChannelClosedException("receive on closed channel");
                }
                return ((Function<Object, ? extends R>) then).apply(received);
            }
            case RECEIVE_OK -> {
                return closed
                        ? ((BiFunction<Object, Boolean, ? extends R>) then).apply(null, Boolean.FALSE)
                        : ((BiFunction<Object, Boolean, ? extends R>) then).apply(received, Boolean.TRUE);
            }
            default -> {
                return ((Supplier<? extends R>) then).get();
            }
        }
    }

    @Override
    public String toString() {
        String k = switch (kind) {
            case SEND -> "send";
            case RECEIVE -> "receive";
            case RECEIVE_OK -> "receiveOk";
            default -> "default";
        };
        return "SelectClause[" + k + (active ? "" : " disabled") + "]";
    }
}

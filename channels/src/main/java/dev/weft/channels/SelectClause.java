package dev.weft.channels;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One case of a {@link Select#select}: a send, a receive, or the default. Made by
 * {@link SendChan#onSend}, {@link ReceiveChan#onReceive}, {@link ReceiveChan#onReceiveOk} and
 * {@link Select#orDefault}; {@link Select#when} disables one at run time (Go's nil channel).
 * A clause is an immutable description, safe to share between threads and to reuse across
 * selects.
 *
 * <p>The kinds of case are a closed set, Go's {@code caseSend}, {@code caseRecv} (with or without
 * {@code ok}) and {@code caseDefault}: the engine switches over them exhaustively, so a new kind
 * does not compile until every step of the select handles it. Callers cannot add kinds.
 *
 * @param <R> what the select yields when this case commits
 */
public abstract sealed class SelectClause<R>
        permits SelectClause.Send, SelectClause.Receive, SelectClause.ReceiveOk, SelectClause.Default {
    /** The channel; null for a default. */
    final Chan<?> chan;
    /** False when disabled by {@link Select#when}: never ready, like a case on a nil channel. */
    final boolean active;

    private SelectClause(Chan<?> chan, boolean active) {
        this.chan = chan;
        this.active = active;
    }

    /** Go's {@code caseSend}: {@code case ch <- value}. */
    static final class Send<R> extends SelectClause<R> {
        /** Null only in a disabled case (checked when the select starts). */
        final Object value;

        final Supplier<? extends R> then;

        Send(Chan<?> chan, Object value, Supplier<? extends R> then, boolean active) {
            super(chan, active);
            this.value = value;
            this.then = then;
        }
    }

    /** Go's {@code caseRecv}: {@code case v := <-ch}; closed and drained fails the select. */
    static final class Receive<R> extends SelectClause<R> {
        final Function<?, ? extends R> then;

        Receive(Chan<?> chan, Function<?, ? extends R> then, boolean active) {
            super(chan, active);
            this.then = then;
        }
    }

    /** Go's {@code caseRecv} with ok: {@code case v, ok := <-ch}. */
    static final class ReceiveOk<R> extends SelectClause<R> {
        final BiFunction<?, Boolean, ? extends R> then;

        ReceiveOk(Chan<?> chan, BiFunction<?, Boolean, ? extends R> then, boolean active) {
            super(chan, active);
            this.then = then;
        }
    }

    /** Go's {@code default}: no channel; runs when no other case is ready. */
    static final class Default<R> extends SelectClause<R> {
        final Supplier<? extends R> then;

        Default(Supplier<? extends R> then, boolean active) {
            super(null, active);
            this.then = then;
        }
    }

    static <R> SelectClause<R> send(Chan<?> chan, Object value, Supplier<? extends R> then) {
        return new Send<>(chan, value, then, true);
    }

    static <R> SelectClause<R> receive(Chan<?> chan, Function<?, ? extends R> then) {
        return new Receive<>(chan, then, true);
    }

    static <R> SelectClause<R> receiveOk(Chan<?> chan, BiFunction<?, Boolean, ? extends R> then) {
        return new ReceiveOk<>(chan, then, true);
    }

    static <R> SelectClause<R> orDefault(Supplier<? extends R> then) {
        return new Default<>(then, true);
    }

    /** The same clause, never ready: Go's case on a nil channel (a disabled default is ignored). */
    SelectClause<R> disabled() {
        return switch (this) {
            case Send<R> s -> new Send<>(s.chan, s.value, s.then, false);
            case Receive<R> r -> new Receive<>(r.chan, r.then, false);
            case ReceiveOk<R> r -> new ReceiveOk<>(r.chan, r.then, false);
            case Default<R> d -> new Default<>(d.then, false);
        };
    }

    boolean enabled() {
        return active;
    }

    /**
     * Runs the handler of the committed case (outside every lock). {@code outcome} is what the
     * commit did ({@link Chan#chansendLocked}, {@link Waiter#outcome}): for a send
     * {@link Chan#SENT} or {@link Chan#CLOSED}, for a receive the value or {@link Chan#CLOSED};
     * ignored by a default.
     */
    @SuppressWarnings("unchecked")
    R fire(Object outcome) {
        return switch (this) {
            case Send<R> s -> {
                if (outcome == Chan.CLOSED) {
                    throw Chan.sendOnClosed();
                }
                assert outcome == Chan.SENT : outcome;
                yield s.then.get();
            }
            case Receive<R> r -> {
                if (outcome == Chan.CLOSED) {
                    throw Chan.receiveOnClosed();
                }
                assert outcome != null && outcome != Chan.SENT : outcome;
                yield ((Function<Object, ? extends R>) r.then).apply(outcome);
            }
            case ReceiveOk<R> r -> {
                assert outcome != null && outcome != Chan.SENT : outcome;
                BiFunction<Object, Boolean, ? extends R> then = (BiFunction<Object, Boolean, ? extends R>) r.then;
                yield outcome == Chan.CLOSED ? then.apply(null, Boolean.FALSE) : then.apply(outcome, Boolean.TRUE);
            }
            case Default<R> d -> d.then.get();
        };
    }

    @Override
    public String toString() {
        String k = switch (this) {
            case Send<R> s -> "send";
            case Receive<R> r -> "receive";
            case ReceiveOk<R> r -> "receiveOk";
            case Default<R> d -> "default";
        };
        return "SelectClause[" + k + (active ? "" : " disabled") + "]";
    }
}

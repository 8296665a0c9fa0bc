package dev.weft.channels;

import static dev.weft.test.support.NullArgumentCases.nullCase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.NullArgumentCases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every public entry point of {@code dev.weft.channels} that takes a Duration, Instant, Runnable,
 * Callable, channel, context or clause: a null throws a {@link NullPointerException} whose message
 * is the parameter's name, before any side effect (no timer scheduled, no thread started).
 */
@Timeout(30)
class NullArgumentsTest implements NullArgumentCases {
    private static final Chan<String> CH = Chan.buffered(1);
    private static final Context BG = Context.background();
    private static final Duration D = Duration.ofSeconds(1);

    static Stream<Arguments> nullArguments() {
        return Stream.of(
                nullCase("Chan.send(v, null)", "timeout", () -> CH.send("x", null)),
                nullCase("Chan.receive(null)", "timeout", () -> CH.receive(null)),
                nullCase("Chan.onSend(v, null)", "then", () -> CH.onSend("x", null)),
                nullCase("Chan.onReceive(null)", "then", () -> CH.onReceive(null)),
                nullCase("Chan.onReceiveOk(null)", "then", () -> CH.onReceiveOk(null)),
                nullCase("WaitGroup.await(null)", "timeout", () -> new WaitGroup().await(null)),
                nullCase(
                        "Select.select((SelectClause[]) null)",
                        "clauses",
                        () -> Select.select((SelectClause<Object>[]) null)),
                nullCase(
                        "Select.select((List) null)",
                        "clauses",
                        () -> Select.select((List<SelectClause<Object>>) null)),
                nullCase("Select.orDefault(null)", "then", () -> Select.orDefault(null)),
                nullCase("Select.when(true, null)", "clause", () -> Select.when(true, null)),
                nullCase("Timers.after(null)", "d", () -> Timers.after(null)),
                nullCase("Timers.newTimer(null)", "d", () -> Timers.newTimer(null)),
                nullCase("Timers.newTicker(null)", "period", () -> Timers.newTicker(null)),
                nullCase("Timers.tick(null)", "d", () -> Timers.tick(null)),
                nullCase("Timers.afterFunc(null, f)", "d", () -> Timers.afterFunc(null, () -> {})),
                nullCase("Timers.afterFunc(d, null)", "f", () -> Timers.afterFunc(D, null)),
                nullCase("Timer.reset(null)", "d", () -> {
                    Timer t = Timers.newTimer(Duration.ofHours(1));
                    try {
                        t.reset(null);
                    } finally {
                        t.stop();
                    }
                }),
                nullCase("Ticker.reset(null)", "period", () -> {
                    Ticker t = Timers.newTicker(Duration.ofHours(1));
                    try {
                        t.reset(null);
                    } finally {
                        t.stop();
                    }
                }),
                nullCase("Context.withCancel(null)", "parent", () -> Context.withCancel(null)),
                nullCase("Context.withCancelCause(null)", "parent", () -> Context.withCancelCause(null)),
                nullCase("Context.withTimeout(null, d)", "parent", () -> Context.withTimeout(null, D)),
                nullCase("Context.withTimeout(ctx, null)", "timeout", () -> Context.withTimeout(BG, null)),
                nullCase(
                        "Context.withTimeoutCause(ctx, null, c)",
                        "timeout",
                        () -> Context.withTimeoutCause(BG, null, new Exception())),
                nullCase("Context.withDeadline(null, t)", "parent", () -> Context.withDeadline(null, Instant.MAX)),
                nullCase("Context.withDeadline(ctx, null)", "deadline", () -> Context.withDeadline(BG, null)),
                nullCase(
                        "Context.withDeadlineCause(ctx, null, c)",
                        "deadline",
                        () -> Context.withDeadlineCause(BG, null, new Exception())),
                nullCase("Context.withValue(null, k, v)", "parent", () -> Context.withValue(null, "k", "v")),
                nullCase("Context.withoutCancel(null)", "parent", () -> Context.withoutCancel(null)),
                nullCase("Context.afterFunc(null, f)", "ctx", () -> Context.afterFunc(null, () -> {})),
                nullCase("Context.afterFunc(ctx, null)", "f", () -> Context.afterFunc(BG, null)),
                nullCase("Context.cause(null)", "ctx", () -> Context.cause(null)),
                nullCase("Context.value(null)", "key", () -> BG.value(null)),
                nullCase("new ErrGroup(null)", "factory", () -> new ErrGroup(null)),
                nullCase("ErrGroup.withContext(null)", "parent", () -> ErrGroup.withContext(null)),
                nullCase("ErrGroup.withContext(ctx, null)", "factory", () -> ErrGroup.withContext(BG, null)),
                nullCase("ErrGroup.go((Task) null)", "task", () -> new ErrGroup().go((ErrGroup.Task) null)),
                nullCase(
                        "ErrGroup.go((Callable) null)",
                        "task",
                        () -> new ErrGroup().go((java.util.concurrent.Callable<?>) null)),
                nullCase("ErrGroup.tryGo((Task) null)", "task", () -> new ErrGroup().tryGo((ErrGroup.Task) null)),
                nullCase(
                        "ErrGroup.tryGo((Callable) null)",
                        "task",
                        () -> new ErrGroup().tryGo((java.util.concurrent.Callable<?>) null)));
    }

    /** Go panics on a nil key with "nil key"; the message names the parameter too. */
    @Test
    void aNullValueKeyIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Context.withValue(BG, null, "v"));
        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }

    /** The timeout is checked before the value is offered: a null timeout leaves the channel empty. */
    @Test
    void aNullTimeoutSendsNothing() {
        Chan<String> ch = Chan.buffered(1);
        assertThrows(NullPointerException.class, () -> ch.send("x", null));
        assertEquals(0, ch.len());
    }
}

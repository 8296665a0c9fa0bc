package dev.weft.scheduler;

import static dev.weft.test.support.NullArgumentCases.nullCase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import dev.weft.test.support.NullArgumentCases;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalid arguments, invalid settings and a JVM without {@code --add-opens}. */
class BadInputTest implements NullArgumentCases {

    /** Every public entry point of the package that takes an object argument: a null names it. */
    static Stream<Arguments> nullArguments() {
        return Stream.of(
                nullCase("Go.go(null)", "task", () -> Go.go(null)),
                nullCase("GoScheduler.go(null)", "task", () -> {
                    try (GoScheduler s = GoScheduler.create(1)) {
                        s.go(null);
                    }
                }),
                nullCase("GoScheduler.awaitTermination(null)", "timeout", () -> {
                    try (GoScheduler s = GoScheduler.create(1)) {
                        s.awaitTermination(null);
                    }
                }),
                nullCase("GoScheduler.blocking(null)", "body", () -> GoScheduler.blocking(null)),
                nullCase(
                        "Builder.name(null)",
                        "name",
                        () -> GoScheduler.builder().name(null)),
                nullCase(
                        "Builder.handoffThreshold(null)",
                        "handoffThreshold",
                        () -> GoScheduler.builder().handoffThreshold(null)),
                nullCase(
                        "Builder.keepAlive(null)",
                        "keepAlive",
                        () -> GoScheduler.builder().keepAlive(null)),
                nullCase(
                        "Builder.schedtrace(null)",
                        "schedtrace",
                        () -> GoScheduler.builder().schedtrace(null)),
                nullCase(
                        "Builder.deadlockMode(null)",
                        "deadlockMode",
                        () -> GoScheduler.builder().deadlockMode(null)),
                nullCase(
                        "new SchedulerStats(.., null, ..)",
                        "localQueues",
                        () -> new SchedulerStats(1, 0, 0, 0, 0, 0, null, 0, 0)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3, 1025, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void createRejectsASizeOutOfRange(int n) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GoScheduler.create(n).close());
        assertTrue(e.getMessage().contains("from 1 to 1024"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(n)), e.getMessage());
    }

    @Test
    void resizeRejectsASizeAboveTheMaximumAndKeepsTheOldSize() {
        try (GoScheduler s = GoScheduler.create(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.gomaxprocs(1025));
            assertTrue(e.getMessage().contains("from 1 to 1024"), e.getMessage());
            assertTrue(e.getMessage().contains("1025"), e.getMessage());
            assertEquals(2, s.gomaxprocs());
            assertThrows(IllegalArgumentException.class, () -> s.gomaxprocs(Integer.MAX_VALUE));
            assertEquals(2, s.gomaxprocs());
            assertEquals(2, s.gomaxprocs(GoScheduler.MAX_GOMAXPROCS), "1024 itself is allowed");
            assertEquals(1024, s.gomaxprocs());
        }
    }

    @Test
    void nullArgumentsThrowNullPointerException() {
        try (GoScheduler s = GoScheduler.create(1)) {
            assertThrows(NullPointerException.class, () -> s.go(null));
            assertThrows(NullPointerException.class, () -> s.awaitTermination(null));
            assertThrows(
                    NullPointerException.class, () -> s.virtualThreadFactory().newThread(null));
            assertThrows(
                    NullPointerException.class, () -> s.virtualThreadBuilder().start(null));
            assertEquals(0, s.numGoroutine(), "a rejected null task is not counted");
        }
        assertThrows(NullPointerException.class, () -> Go.go(null));
    }

    @Test
    void awaitTerminationWithAHugeTimeoutDoesNotOverflow() throws Exception {
        GoScheduler s = GoScheduler.create(1);
        s.close();
        // like ExecutorService.awaitTermination(Long.MAX_VALUE, ...): a timeout too long for a long
        // of nanoseconds means "wait as long as it takes", not an ArithmeticException
        assertTrue(s.awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(s.awaitTermination(Duration.ofDays(365L * 1000)));
    }

    @Test
    void awaitTerminationWithANegativeTimeoutReturnsAtOnce() throws Exception {
        try (GoScheduler s = GoScheduler.create(1)) {
            assertEquals(false, s.awaitTermination(Duration.ofSeconds(-1)));
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(-1)), "terminated already: nothing ever ran");
        }
    }

    /** A child JVM without --add-opens: every entry point explains the missing flag, every time. */
    @Test
    void withoutAddOpensEveryEntryPointThrowsIllegalStateExceptionNamingTheFlag() throws Exception {
        String output = ChildJvm.runWithout(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=off"), NoOpensMain.class);
        String flag = "--add-opens java.base/java.lang=ALL-UNNAMED";
        for (String what : List.of("create", "create()", "global", "go1", "go2", "gomaxprocs")) {
            String line = output.lines()
                    .filter(l -> l.startsWith(what + " -> "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + what + " in:\n" + output));
            assertTrue(line.startsWith(what + " -> java.lang.IllegalStateException: "), line);
            assertTrue(line.contains(flag), line);
        }
        assertTrue(!output.contains("NoClassDefFoundError") && !output.contains("ExceptionInInitializerError"), output);
    }
}

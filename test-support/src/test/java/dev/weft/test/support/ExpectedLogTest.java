package dev.weft.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ExpectedLog}: expected lines kept and asserted, every other line printed at once. */
class ExpectedLogTest {
    private PrintStream realErr;
    private ByteArrayOutputStream printed;
    private PrintStream recorder;

    @BeforeEach
    void recordStderr() {
        realErr = System.err;
        printed = new ByteArrayOutputStream();
        recorder = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setErr(recorder);
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(realErr);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theExpectedLineIsCapturedAndEveryOtherLinePrinted() {
        try (ExpectedLog log = ExpectedLog.capture("WARN", "not registered")) {
            System.err.println("[main] WARN a.B - GoScheduler x: not registered with JMX: why");
            System.err.println("[main] ERROR a.B - not registered, but an ERROR: unexpected");
            System.err.println("[main] WARN a.B - another warning: unexpected");
            System.err.println("plain output");
            assertEquals(List.of("[main] WARN a.B - GoScheduler x: not registered with JMX: why"), log.lines());
        }
        assertEquals(
                "[main] ERROR a.B - not registered, but an ERROR: unexpected\n"
                        + "[main] WARN a.B - another warning: unexpected\nplain output\n",
                printed());
    }

    @Test
    void theStackTraceOfACapturedLineIsCapturedWithIt() {
        try (ExpectedLog log = ExpectedLog.capture("ERROR", "failed")) {
            IllegalStateException e = new IllegalStateException("boom", new RuntimeException("cause"));
            System.err.println("[sysmon] ERROR a.B - it failed");
            e.printStackTrace();
            System.err.println("[main] INFO a.B - after");
            System.err.println("\tan indented line after a line not captured");
            String captured = log.lines().getFirst();
            assertTrue(
                    captured.startsWith("[sysmon] ERROR a.B - it failed\njava.lang.IllegalStateException: boom\n\tat "),
                    captured);
            assertTrue(captured.contains("\nCaused by: java.lang.RuntimeException: cause\n"), captured);
        }
        assertEquals("[main] INFO a.B - after\n\tan indented line after a line not captured\n", printed());
    }

    @Test
    void closeFailsWhenAnExpectedLineNeverCame() {
        ExpectedLog log = ExpectedLog.capture("WARN", "seen", "never logged");
        System.err.println("[main] WARN a.B - seen");
        AssertionError e = assertThrows(AssertionError.class, log::close);
        assertTrue(
                e.getMessage().contains("expected a line at WARN containing each of [never logged]"), e.getMessage());
        assertSame(recorder, System.err, "System.err is restored");
        log.close(); // idempotent
        System.err.println("[main] WARN a.B - seen");
        assertEquals("[main] WARN a.B - seen\n", printed(), "not captured once closed");
    }

    @Test
    void awaitWaitsForALineWrittenLaterByAnotherThread() throws Exception {
        try (ExpectedLog log = ExpectedLog.capture("INFO", "later")) {
            Thread writer = Thread.ofVirtual().start(() -> System.err.println("[] INFO a.B - written later"));
            assertEquals(List.of("[] INFO a.B - written later"), log.await(Duration.ofSeconds(30)));
            writer.join();
        }
        assertEquals("", printed());
    }

    @Test
    void awaitFailsAfterItsTimeout() {
        try (ExpectedLog log = ExpectedLog.capture("INFO", "never")) {
            AssertionError e = assertThrows(AssertionError.class, () -> log.await(Duration.ofMillis(20)));
            assertTrue(e.getMessage().contains("a line at INFO containing each of [never]"), e.getMessage());
            System.err.println("[main] INFO a.B - never mind"); // so that close() passes
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException level =
                assertThrows(IllegalArgumentException.class, () -> ExpectedLog.capture("warn", "x"));
        assertTrue(level.getMessage().contains("level warn is not one of"), level.getMessage());
        assertTrue(level.getMessage().contains("use e.g. \"WARN\""), level.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExpectedLog.capture("WARN"));
        assertThrows(IllegalArgumentException.class, () -> ExpectedLog.capture("WARN", ""));
        try (ExpectedLog _ = ExpectedLog.capture("WARN", "x")) {
            IllegalStateException twice =
                    assertThrows(IllegalStateException.class, () -> ExpectedLog.capture("WARN", "y"));
            assertTrue(twice.getMessage().contains("already capturing"), twice.getMessage());
            assertTrue(twice.getCause().getMessage().contains("started here, on thread"), "names who opened it");
            System.err.println("[main] WARN a.B - x");
        }
    }

    @Test
    void aMessageOfSeveralLinesStaysWithItsStackTrace() {
        try (ExpectedLog log = ExpectedLog.capture("ERROR", "expected one")) {
            System.err.println("[main] ERROR a.B - expected one");
            new IllegalStateException("first line\nsecond line").printStackTrace();
            System.err.println("[main] INFO a.B - after");
            String captured = log.lines().getFirst();
            assertTrue(captured.contains("\nsecond line\n\tat "), captured);
        }
        assertEquals("[main] INFO a.B - after\n", printed());
    }

    @Test
    void aLoneWordAfterACapturedLineIsNotTakenForAThrowable() {
        try (ExpectedLog log = ExpectedLog.capture("WARN", "expected")) {
            System.err.println("[main] WARN a.B - expected");
            System.err.println("Unrelated");
            assertEquals(List.of("[main] WARN a.B - expected"), log.lines());
        }
        assertEquals("Unrelated\n", printed());
    }
}

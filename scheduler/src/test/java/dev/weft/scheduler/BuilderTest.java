package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.engine.EngineAccess;
import dev.weft.scheduler.engine.SysmonSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GoScheduler#builder()}: each setter's range and message (the property parsers' rules,
 * {@link SysmonTest}), and what {@code build()} makes of them. The property path of
 * {@code create()} itself: {@link dev.weft.scheduler.engine.PropertiesTest}.
 */
@Timeout(60)
class BuilderTest {

    private static String message(Executable setter) {
        return assertThrows(IllegalArgumentException.class, setter).getMessage();
    }

    @Test
    void setsEverySysmonSetting() {
        SysmonSettings s = GoScheduler.builder()
                .handoffThreshold(Duration.ofMillis(5))
                .keepAlive(Duration.ofSeconds(90))
                .maxThreads(7)
                .deadlockMode(DeadlockMode.FAIL)
                .schedtrace(Duration.ofMillis(250))
                .scheddetail(true)
                .settings();
        assertEquals(
                new SysmonSettings(
                        TimeUnit.MILLISECONDS.toNanos(5),
                        7,
                        250,
                        true,
                        SysmonSettings.DeadlockMode.FAIL,
                        TimeUnit.SECONDS.toNanos(90),
                        SysmonSettings.Source.BUILDER),
                s);
        assertEquals(
                0,
                GoScheduler.builder().handoffThreshold(Duration.ZERO).settings().handoffNanos(),
                "zero is off");
        assertEquals(
                0, GoScheduler.builder().schedtrace(Duration.ZERO).settings().schedtraceMillis(), "zero is off");
        for (DeadlockMode mode : DeadlockMode.values()) {
            assertEquals(
                    mode.name(),
                    GoScheduler.builder()
                            .deadlockMode(mode)
                            .settings()
                            .deadlock()
                            .name());
        }
    }

    @Test
    void theRangesEndsAreAllowed() {
        SysmonSettings low = GoScheduler.builder()
                .handoffThreshold(Duration.ofNanos(100_000))
                .keepAlive(Duration.ofMillis(100))
                .maxThreads(1)
                .schedtrace(Duration.ofMillis(1))
                .settings();
        assertEquals(100_000, low.handoffNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), low.keepAliveNanos());
        SysmonSettings high = GoScheduler.builder()
                .handoffThreshold(Duration.ofHours(1))
                .keepAlive(Duration.ofHours(1))
                .maxThreads(Integer.MAX_VALUE)
                .schedtrace(Duration.ofDays(1))
                .settings();
        assertEquals(TimeUnit.HOURS.toNanos(1), high.handoffNanos());
        assertEquals(TimeUnit.DAYS.toMillis(1), high.schedtraceMillis());
    }

    @Test
    void badHandoffThresholdNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: weft.handoff must be a duration from 100us to 1h, or off (Duration.ZERO)";
        assertEquals(
                "handoffThreshold(10us)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofNanos(10_000))));
        assertEquals(
                "handoffThreshold(-5ms)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofMillis(-5))));
        assertEquals(
                "handoffThreshold(2h)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofHours(2))));
        assertEquals(
                "handoffThreshold(PT2562047H47M16.854775808S)" + rule,
                message(() -> GoScheduler.builder()
                        .handoffThreshold(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1))));
    }

    @Test
    void badKeepAliveNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: weft.keepalive must be a duration from 100ms to 1h, not off";
        assertEquals("keepAlive(0s)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ZERO)));
        assertEquals(
                "keepAlive(10ms)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ofMillis(10))));
        assertEquals(
                "keepAlive(61m)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ofMinutes(61))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void badMaxThreadsNamesTheSettingTheValueAndTheRange(int n) {
        assertEquals(
                "maxThreads(" + n + ") is not valid: weft.maxthreads must be an integer from 1 to " + Integer.MAX_VALUE,
                message(() -> GoScheduler.builder().maxThreads(n)));
    }

    @Test
    void badSchedtraceNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: gomaxprocs.schedtrace must be a period in milliseconds from 0 (off) to 86400000";
        assertEquals(
                "schedtrace(-1ms)" + rule, message(() -> GoScheduler.builder().schedtrace(Duration.ofMillis(-1))));
        assertEquals(
                "schedtrace(1500us)" + rule,
                message(() -> GoScheduler.builder().schedtrace(Duration.ofNanos(1_500_000))),
                "not rounded");
        assertEquals(
                "schedtrace(25h)" + rule, message(() -> GoScheduler.builder().schedtrace(Duration.ofHours(25))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, Integer.MAX_VALUE})
    void badGomaxprocsIsTheSameErrorAsCreate(int n) {
        // the shape of every other setter's (builder review P3; before: "gomaxprocs must be from 1 to 1024, got 0")
        assertEquals(
                "gomaxprocs(" + n + ") is not valid: gomaxprocs (-Dgomaxprocs, GOMAXPROCS) must be an integer"
                        + " from 1 to 1024",
                message(() -> GoScheduler.builder().gomaxprocs(n)));
        assertEquals(
                message(() -> GoScheduler.create(n)),
                message(() -> GoScheduler.builder().gomaxprocs(n)));
        if (n > 0) { // below 1 it is a query
            try (GoScheduler s = GoScheduler.create(1)) {
                assertEquals(message(() -> GoScheduler.builder().gomaxprocs(n)), message(() -> s.gomaxprocs(n)));
            }
        }
    }

    // ---- builder review P1: maxThreads below gomaxprocs leaves a P without a carrier ----

    @Test
    void maxThreadsBelowGomaxprocsIsRefusedAtBuildInEitherOrder() {
        String expected = "maxThreads(1) is below gomaxprocs(2): each P needs a carrier of its own, so 1 P(s) would"
                + " never run: set maxThreads(2) or more, or gomaxprocs 1 or less";
        assertEquals(
                expected,
                message(() -> GoScheduler.builder().maxThreads(1).gomaxprocs(2).build()));
        assertEquals(
                expected,
                message(() -> GoScheduler.builder().gomaxprocs(2).maxThreads(1).build()));
        try (GoScheduler s = GoScheduler.builder().gomaxprocs(2).maxThreads(2).build()) {
            assertEquals(2, s.gomaxprocs(), "equal is enough");
        }
    }

    @Test
    void unsizedMaxThreadsBelowTheCpuLimitAtBuildIsRefused() {
        assertEquals(
                "maxThreads(3) is below gomaxprocs 4 (the CPU limit now): each P needs a carrier of its own, so"
                        + " 1 P(s) would never run: set maxThreads(4) or more, or gomaxprocs 3 or less",
                message(() ->
                        GoScheduler.builder().maxThreads(3).cpuLimit(() -> 4).build()));
    }

    @Test
    void aResizeAboveMaxThreadsIsRefusedNamingBoth() {
        try (GoScheduler s = GoScheduler.builder()
                .name("weft-builder-resize")
                .gomaxprocs(2)
                .maxThreads(3)
                .build()) {
            assertEquals(
                    "gomaxprocs(4) is not valid for weft-builder-resize: it is above maxThreads(3), and each P"
                            + " needs a carrier of its own: set gomaxprocs 3 or less, or create the scheduler with"
                            + " maxThreads(4) or more",
                    message(() -> s.gomaxprocs(4)));
            assertEquals(2, s.gomaxprocs(), "unchanged");
            assertEquals(2, s.gomaxprocs(3), "up to maxThreads is allowed");
            assertEquals(3, s.gomaxprocs());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> EngineAccess.mxbean(s.scheduler()).setGomaxprocs(4),
                    "JMX too");
            assertThrows(
                    IllegalArgumentException.class, () -> s.scheduler().jdk().setParallelism(4), "the JDK's bean too");
            assertEquals(3, s.gomaxprocs());
        }
    }

    // ---- builder review P5: a closed scheduler keeps its size ----

    @Test
    void aClosedSchedulerIsNotResized() throws Exception {
        GoScheduler s =
                GoScheduler.builder().name("weft-builder-closed").gomaxprocs(2).build();
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.gomaxprocs(5));
        assertEquals(
                "gomaxprocs(5) on weft-builder-closed, which is shut down: a closed scheduler keeps its size"
                        + " (gomaxprocs(0) still queries it)",
                e.getMessage());
        assertEquals(2, s.gomaxprocs(0), "a query still answers");
        assertEquals(2, s.stats().gomaxprocs());
        GoScheduler shut = GoScheduler.builder().gomaxprocs(1).build();
        shut.shutdown();
        assertThrows(IllegalStateException.class, () -> shut.gomaxprocs(2), "after shutdown() too");
        assertTrue(shut.awaitTermination(Duration.ofSeconds(30)));
    }

    // ---- builder review P4: names that break log lines ----

    @Test
    void aNameWithControlCharactersIsRefusedEscaped() {
        GoScheduler.Builder b = GoScheduler.builder();
        assertEquals(
                "name(\"io\\nERROR fake\") is not valid: a scheduler's name must not have control characters"
                        + " (they would break its log lines): remove them",
                message(() -> b.name("io\nERROR fake")));
        assertEquals(
                "name(\"a\\tb\\u0007\\r\") is not valid: a scheduler's name must not have control characters"
                        + " (they would break its log lines): remove them",
                message(() -> b.name("a\tb\u0007\r")));
        assertEquals(
                "name(\"\\n\") is not valid: a scheduler's name must not have control characters"
                        + " (they would break its log lines): remove them",
                message(() -> b.name("\n")),
                "not 'blank'");
        b.name("io-\u00e9t\u00e9 2"); // other characters are fine
    }

    /** Nulls: {@link BadInputTest#nullArguments()}. */
    @Test
    void aBlankNameIsRefusedAtTheSetter() {
        GoScheduler.Builder b = GoScheduler.builder();
        assertEquals("name(\" \") is not valid: a scheduler's name must not be blank", message(() -> b.name(" ")));
        assertThrows(IllegalArgumentException.class, () -> b.maxThreads(0));
        assertEquals(GoScheduler.builder().settings(), b.settings(), "a refused value changes nothing");
    }

    @Test
    void buildsANamedSchedulerOfTheGivenSizeThatDoesNotFollowTheCpuLimit() throws Exception {
        GoScheduler.Builder b =
                GoScheduler.builder().name("weft-builder-test").gomaxprocs(3).cpuLimit(() -> 7);
        try (GoScheduler s = b.build();
                GoScheduler again = b.build()) {
            assertEquals("weft-builder-test", s.name());
            assertEquals(3, s.gomaxprocs());
            assertFalse(EngineAccess.followsCpuLimit(s.scheduler()));
            String[] carrier = new String[1];
            s.go(() -> carrier[0] = Thread.currentThread().toString()).join();
            assertTrue(carrier[0].contains("weft-builder-test-carrier-"), carrier[0]);
            assertNotSame(s, again, "a builder builds again");
            assertEquals(3, again.gomaxprocs());
        }
    }

    @Test
    void unsizedItFollowsTheCpuLimitAndIsNamedLikeCreate() {
        AtomicInteger cpus = new AtomicInteger(5);
        try (GoScheduler s = GoScheduler.builder().cpuLimit(cpus::get).build()) {
            assertEquals(5, s.gomaxprocs());
            assertTrue(EngineAccess.followsCpuLimit(s.scheduler()));
            assertTrue(s.name().matches("weft-\\d+"), s.name());
        }
    }
}

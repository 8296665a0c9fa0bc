package dev.weft.scheduler;

import dev.weft.scheduler.engine.EngineAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(new SysmonSettings(TimeUnit.MILLISECONDS.toNanos(5), 7, 250, true,
                SysmonSettings.DeadlockMode.FAIL, TimeUnit.SECONDS.toNanos(90)), s);
        assertEquals(0, GoScheduler.builder().handoffThreshold(Duration.ZERO).settings().handoffNanos(), "zero is off");
        assertEquals(0, GoScheduler.builder().schedtrace(Duration.ZERO).settings().schedtraceMillis(), "zero is off");
        for (DeadlockMode mode : DeadlockMode.values()) {
            assertEquals(mode.name(), GoScheduler.builder().deadlockMode(mode).settings().deadlock().name());
        }
    }

    @Test
    void theRangesEndsAreAllowed() {
        SysmonSettings low = GoScheduler.builder().handoffThreshold(Duration.ofNanos(100_000))
                .keepAlive(Duration.ofMillis(100)).maxThreads(1).schedtrace(Duration.ofMillis(1)).settings();
        assertEquals(100_000, low.handoffNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), low.keepAliveNanos());
        SysmonSettings high = GoScheduler.builder().handoffThreshold(Duration.ofHours(1)).keepAlive(Duration.ofHours(1))
                .maxThreads(Integer.MAX_VALUE).schedtrace(Duration.ofDays(1)).settings();
        assertEquals(TimeUnit.HOURS.toNanos(1), high.handoffNanos());
        assertEquals(TimeUnit.DAYS.toMillis(1), high.schedtraceMillis());
    }

    @Test
    void badHandoffThresholdNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: weft.handoff must be a duration from 100us to 1h, or off (Duration.ZERO)";
        assertEquals("handoffThreshold(10us)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofNanos(10_000))));
        assertEquals("handoffThreshold(-5ms)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofMillis(-5))));
        assertEquals("handoffThreshold(2h)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofHours(2))));
        assertEquals("handoffThreshold(PT2562047H47M16.854775808S)" + rule,
                message(() -> GoScheduler.builder().handoffThreshold(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1))));
    }

    @Test
    void badKeepAliveNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: weft.keepalive must be a duration from 100ms to 1h, not off";
        assertEquals("keepAlive(0s)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ZERO)));
        assertEquals("keepAlive(10ms)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ofMillis(10))));
        assertEquals("keepAlive(61m)" + rule, message(() -> GoScheduler.builder().keepAlive(Duration.ofMinutes(61))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void badMaxThreadsNamesTheSettingTheValueAndTheRange(int n) {
        assertEquals("maxThreads(" + n + ") is not valid: weft.maxthreads must be an integer from 1 to "
                + Integer.MAX_VALUE, message(() -> GoScheduler.builder().maxThreads(n)));
    }

    @Test
    void badSchedtraceNamesTheSettingTheValueAndTheRange() {
        String rule = " is not valid: gomaxprocs.schedtrace must be a period in milliseconds from 0 (off) to 86400000";
        assertEquals("schedtrace(-1ms)" + rule, message(() -> GoScheduler.builder().schedtrace(Duration.ofMillis(-1))));
        assertEquals("schedtrace(1500us)" + rule,
                message(() -> GoScheduler.builder().schedtrace(Duration.ofNanos(1_500_000))), "not rounded");
        assertEquals("schedtrace(25h)" + rule, message(() -> GoScheduler.builder().schedtrace(Duration.ofHours(25))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, Integer.MAX_VALUE})
    void badGomaxprocsIsTheSameErrorAsCreate(int n) {
        assertEquals("gomaxprocs must be from 1 to 1024, got " + n, message(() -> GoScheduler.builder().gomaxprocs(n)));
        assertEquals(message(() -> GoScheduler.create(n)), message(() -> GoScheduler.builder().gomaxprocs(n)));
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
        GoScheduler.Builder b = GoScheduler.builder().name("weft-builder-test").gomaxprocs(3).cpuLimit(() -> 7);
        try (GoScheduler s = b.build(); GoScheduler again = b.build()) {
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

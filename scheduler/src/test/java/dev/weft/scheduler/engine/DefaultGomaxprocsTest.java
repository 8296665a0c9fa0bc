package dev.weft.scheduler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefaultGomaxprocsTest {

    private static final IntSupplier SEVEN_CPUS = () -> 7;
    private static final IntSupplier NO_CPU_LOOKUP = () -> fail("the CPU count must not be read");

    @Test
    void propertyBeatsEnvironmentBeatsCpuCount() {
        assertEquals(3, DefaultGomaxprocs.resolve("3", "5", NO_CPU_LOOKUP));
        assertEquals(5, DefaultGomaxprocs.resolve(null, "5", NO_CPU_LOOKUP));
        assertEquals(7, DefaultGomaxprocs.resolve(null, null, SEVEN_CPUS));
    }

    @Test
    void aValidPropertyMeansTheEnvironmentIsNotRead() {
        assertEquals(3, DefaultGomaxprocs.resolve("3", "abc", NO_CPU_LOOKUP));
    }

    @Test
    void aBadPropertyIsAnErrorEvenWhenTheEnvironmentIsValid() {
        var e = assertThrows(IllegalStateException.class, () -> DefaultGomaxprocs.resolve("x", "5", SEVEN_CPUS));
        assertTrue(e.getMessage().startsWith("-Dgomaxprocs=x is not valid"), e.getMessage());
    }

    @Test
    void acceptsTheWholeRangeAndTrimsWhitespace() {
        assertEquals(1, DefaultGomaxprocs.resolve("1", null, NO_CPU_LOOKUP));
        assertEquals(1024, DefaultGomaxprocs.resolve("1024", null, NO_CPU_LOOKUP));
        assertEquals(4, DefaultGomaxprocs.resolve(" 4 ", null, NO_CPU_LOOKUP));
        assertEquals(4, DefaultGomaxprocs.resolve(null, "\t4\n", NO_CPU_LOOKUP));
        assertEquals(4, DefaultGomaxprocs.resolve("0004", null, NO_CPU_LOOKUP));
        assertEquals(1024, DefaultGomaxprocs.MAX);
    }

    @Test
    void theCpuCountIsClampedToTheValidRange() {
        assertEquals(1024, DefaultGomaxprocs.resolve(null, null, () -> 4096));
        assertEquals(1, DefaultGomaxprocs.resolve(null, null, () -> 0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc",
                "0",
                "-3",
                "",
                "   ",
                "99999999999",
                "1025",
                "+4",
                "4.0",
                "1e3",
                "4 4",
                "99999999999999999999999999"
            })
    void badValuesAreErrorsNamingTheSourceAndValue(String value) {
        String rule = " is not valid: gomaxprocs must be an integer from 1 to 1024";
        var property =
                assertThrows(IllegalStateException.class, () -> DefaultGomaxprocs.resolve(value, null, SEVEN_CPUS));
        assertEquals("-Dgomaxprocs=" + value + rule, property.getMessage());
        var env = assertThrows(IllegalStateException.class, () -> DefaultGomaxprocs.resolve(null, value, SEVEN_CPUS));
        assertEquals("environment variable GOMAXPROCS=" + value + rule, env.getMessage());
    }

    @Test
    void checkProcsAcceptsOneToMax() {
        assertEquals(1, DefaultGomaxprocs.checkProcs(1));
        assertEquals(8, DefaultGomaxprocs.checkProcs(8));
        assertEquals(1024, DefaultGomaxprocs.checkProcs(1024));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void checkProcsRejectsOutOfRange(int n) {
        var e = assertThrows(IllegalArgumentException.class, () -> DefaultGomaxprocs.checkProcs(n));
        assertEquals(
                "gomaxprocs(" + n + ") is not valid: gomaxprocs (-Dgomaxprocs, GOMAXPROCS) must be an integer"
                        + " from 1 to 1024",
                e.getMessage());
    }
}

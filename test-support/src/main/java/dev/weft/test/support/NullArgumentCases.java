package dev.weft.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The null-argument contract of a public API, as a test: a test class implements this and
 * declares {@code static Stream<Arguments> nullArguments()} of {@link #nullCase}s; each call must
 * throw a {@link NullPointerException} whose message is the name of the null parameter (what
 * {@code Objects.requireNonNull(x, "x")} throws).
 */
public interface NullArgumentCases {
    /**
     * One case: {@code call}, shown as the test's name, passes null for {@code parameter}.
     *
     * @return the arguments of {@link #aNullArgumentThrowsAnNpeNamingTheParameter}
     */
    static Arguments nullCase(String call, String parameter, Executable e) {
        return Arguments.of(Named.of(call, e), parameter);
    }

    /** Each case of the implementing class's {@code nullArguments()}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nullArguments")
    default void aNullArgumentThrowsAnNpeNamingTheParameter(Executable call, String parameter) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(parameter, e.getMessage());
    }
}

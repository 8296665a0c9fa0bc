package dev.weft.scheduler.engine;

import java.util.function.IntSupplier;

/**
 * Works out how many Ps (carrier threads) the scheduler gets when the user does not say.
 *
 * <p>The order follows Go: an explicit setting wins over the machine. Go reads only the
 * {@code GOMAXPROCS} environment variable; a JVM library also has system properties, so the
 * order here is:
 *
 * <ol>
 *   <li>the system property {@value #PROPERTY} ({@code -Dgomaxprocs=N}),
 *   <li>the environment variable {@value #ENV},
 *   <li>the container-aware CPU count of {@link CpuLimit#containerAwareCpus()}, which is Go
 *       1.25's default ({@code runtime.defaultGOMAXPROCS}), capped at {@link #MAX}.
 * </ol>
 *
 * <p>One deliberate difference from Go: Go silently ignores a {@code GOMAXPROCS} it cannot parse
 * and falls back to the CPU count. Here a bad value is an error that names where it came from,
 * because a typo in a deployment setting should fail at start, not quietly run with another
 * size. Surrounding whitespace is trimmed; anything else that is not a decimal integer from 1 to
 * {@link #MAX} (including an empty value) is rejected.
 */
public final class DefaultGomaxprocs {

    /** System property that sets the default size: {@code -Dgomaxprocs=N}. */
    static final String PROPERTY = "gomaxprocs";

    /** Environment variable that sets the default size, as in Go. */
    static final String ENV = "GOMAXPROCS";

    /**
     * The largest size allowed: Go's own limit ({@code _MaxGomaxprocs}) before Go 1.10, and the
     * size of our P array.
     */
    public static final int MAX = 1024;

    private static final String RULE = PROPERTY + " must be an integer from 1 to " + MAX;

    private DefaultGomaxprocs() {}

    /**
     * The default size from {@code -Dgomaxprocs}, then {@code GOMAXPROCS}, then the
     * container-aware CPU count.
     *
     * @return the size, 1 to {@link #MAX}
     * @throws IllegalStateException if the property or the environment variable is set to
     *     something that is not an integer from 1 to {@link #MAX}
     */
    public static int resolve() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENV), CpuLimit::containerAwareCpus);
    }

    /**
     * The default size from the given setting values ({@code null} when unset), falling back to
     * {@code cpus}. The CPU count is clamped to 1..{@link #MAX} (a machine may have more CPUs than
     * we have Ps); explicit settings are not clamped but checked.
     *
     * @param propertyValue the value of {@code -Dgomaxprocs}, or null when unset
     * @param envValue      the value of {@code GOMAXPROCS}, or null when unset
     * @param cpus          the CPU count, asked only when neither is set
     * @return the size, 1 to {@link #MAX}
     * @throws IllegalStateException if a value that is set is not an integer from 1 to {@link
     *     #MAX}; the message names the source and the value
     */
    public static int resolve(String propertyValue, String envValue, IntSupplier cpus) {
        if (propertyValue != null) {
            return parse(propertyValue, "-D" + PROPERTY + "=" + propertyValue);
        }
        if (envValue != null) {
            return parse(envValue, "environment variable " + ENV + "=" + envValue);
        }
        return Math.clamp(cpus.getAsInt(), 1, MAX);
    }

    /**
     * Whether {@code -Dgomaxprocs} or {@code GOMAXPROCS} is set: then the CPU limit does not size us.
     *
     * @return true if either is set (to any value)
     */
    public static boolean explicit() {
        return System.getProperty(PROPERTY) != null || System.getenv(ENV) != null;
    }

    /**
     * Checks a size given in code ({@code GoScheduler.create(n)}, resize).
     *
     * @param n the size to check
     * @return {@code n}
     * @throws IllegalArgumentException if {@code n} is not from 1 to {@link #MAX}, in the shape
     *     of the builder's other setters: {@code gomaxprocs(0) is not valid: gomaxprocs
     *     (-Dgomaxprocs, GOMAXPROCS) must be an integer from 1 to 1024}
     */
    public static int checkProcs(int n) {
        if (n < 1 || n > MAX) {
            throw new IllegalArgumentException("gomaxprocs(" + n + ") is not valid: " + PROPERTY + " (-D" + PROPERTY
                    + ", " + ENV + ") must be an integer from 1 to " + MAX);
        }
        return n;
    }

    /** Parses a setting; {@code source} says where it came from, for the error message. */
    private static int parse(String value, String source) {
        String s = value.strip();
        if (s.isEmpty()) {
            throw invalid(source);
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(source); // also rejects signs and non-ASCII digits
            }
            n = n * 10 + (c - '0');
            if (n > MAX) {
                throw invalid(source); // stops before int overflow, however long the value
            }
        }
        if (n < 1) {
            throw invalid(source);
        }
        return n;
    }

    private static IllegalStateException invalid(String source) {
        return new IllegalStateException(source + " is not valid: " + RULE);
    }
}

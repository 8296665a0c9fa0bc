package dev.weft.scheduler.engine;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What sysmon is told by system properties, read when a {@link dev.weft.scheduler.GoScheduler} is created. A value
 * that can't be parsed is an error that names the property, the value and what is allowed, as
 * for {@code -Dgomaxprocs}: a typo in a deployment flag should fail at start, not run silently
 * with a default.
 *
 * @param handoffNanos     {@value #HANDOFF_PROPERTY}: how long a P may go without scheduling
 *                         progress, its carrier blocked (asleep where Linux shows thread states,
 *                         and not using the CPU: sysmon's blocked rule, {@link Sysmon}), while
 *                         work waits, before sysmon hands it to another carrier; 0 turns
 *                         hand-offs off
 * @param maxThreads       {@value #MAX_THREADS_PROPERTY}: the most carriers at once
 * @param schedtraceMillis {@value #SCHEDTRACE_PROPERTY}: the period of the schedtrace line; 0 is off
 * @param scheddetail      {@value #SCHEDDETAIL_PROPERTY}: a line per P and per carrier too
 * @param deadlock         {@value #DEADLOCK_PROPERTY}: what a deadlock does
 * @param keepAliveNanos   {@value #KEEP_ALIVE_PROPERTY}: how long a carrier beyond gomaxprocs
 *                         (a spare left by blocking hand-offs) waits idle before it exits
 * @param source           where these settings came from, for messages that name a setting
 *                         and how to change it ({@link #maxThreadsSetting()})
 */
public record SysmonSettings(
        long handoffNanos,
        int maxThreads,
        long schedtraceMillis,
        boolean scheddetail,
        DeadlockMode deadlock,
        long keepAliveNanos,
        Source source) {

    /**
     * Checks a resize by hand of scheduler {@code scheduler} to {@code n} Ps against the carrier
     * limit, as {@link #checkCarriersFor} checks the size at creation.
     *
     * @param scheduler the scheduler's name, for the message
     * @param n         the new gomaxprocs
     * @throws IllegalArgumentException naming both settings and the fix, if {@code n > maxThreads}
     */
    public void checkResize(String scheduler, int n) {
        if (n > maxThreads) {
            throw new IllegalArgumentException("gomaxprocs(" + n + ") is not valid for " + scheduler + ": it is above "
                    + maxThreadsSetting() + ", and each P needs a carrier of its own: set gomaxprocs " + maxThreads
                    + " or less, or create the scheduler with " + maxThreadsSetting(n) + " or more");
        }
    }

    /** Where a {@link SysmonSettings} came from: the system properties, or a builder's setters. */
    public enum Source {
        /** {@link #from}: {@code -Dweft.maxthreads=N}; changed on the command line. */
        PROPERTIES,
        /** {@code GoScheduler.builder()}: {@code maxThreads(N)}; changed in code, no property is read. */
        BUILDER
    }

    /**
     * Settings as given; the values are checked by {@link #from} and the builder's setters.
     *
     * @throws NullPointerException if {@code deadlock} or {@code source} is null
     */
    public SysmonSettings {
        Objects.requireNonNull(deadlock, "deadlock");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Settings from the system properties ({@link Source#PROPERTIES}); the values as the record's
     * components (see the class comment), already checked.
     *
     * @param handoffNanos     the hand-off threshold in nanoseconds; 0 is off
     * @param maxThreads       the most carriers at once, {@code >= 1}
     * @param schedtraceMillis the schedtrace period in milliseconds; 0 is off
     * @param scheddetail      whether schedtrace adds a line per P and per carrier
     * @param deadlock         what a deadlock does; not null
     * @param keepAliveNanos   how long a spare carrier waits idle before it exits, in nanoseconds
     * @throws NullPointerException if {@code deadlock} is null
     */
    public SysmonSettings(
            long handoffNanos,
            int maxThreads,
            long schedtraceMillis,
            boolean scheddetail,
            DeadlockMode deadlock,
            long keepAliveNanos) {
        this(handoffNanos, maxThreads, schedtraceMillis, scheddetail, deadlock, keepAliveNanos, Source.PROPERTIES);
    }

    /**
     * The carrier limit as it was set: {@code maxThreads(1)} from a builder, {@code -Dweft.maxthreads=1}.
     *
     * @return the setting as the user wrote it, for a message
     */
    public String maxThreadsSetting() {
        return maxThreadsSetting(maxThreads);
    }

    /**
     * {@code n} as the carrier limit would be set where this one was.
     *
     * @param n a carrier count
     * @return {@code maxThreads(n)} or {@code -Dweft.maxthreads=n}
     */
    public String maxThreadsSetting(long n) {
        return source == Source.BUILDER ? "maxThreads(" + n + ")" : "-D" + MAX_THREADS_PROPERTY + "=" + n;
    }

    /**
     * How to raise the carrier limit where it was set, for the end of a message.
     *
     * @return a sentence without a final period, naming the builder setter or the property
     */
    public String raiseMaxThreads() {
        return source == Source.BUILDER
                ? "Raise maxThreads(...) on the GoScheduler.builder()"
                : "Raise -D" + MAX_THREADS_PROPERTY;
    }

    /**
     * The deadlock mode as it was set: {@code deadlockMode FAIL} from a builder, {@code -Dweft.deadlock=fail}.
     *
     * @return the setting as the user wrote it, for a message
     */
    public String deadlockSetting() {
        return source == Source.BUILDER
                ? "deadlockMode " + deadlock
                : "-D" + DEADLOCK_PROPERTY + "=" + deadlock.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks that every one of {@code procs} Ps can have a carrier: with fewer carriers allowed
     * than Ps, a P would never run (each running P holds a carrier of its own, as each Go P an M).
     *
     * @param procs     the scheduler's gomaxprocs at creation
     * @param procsFrom how that size was set, for the message ({@code gomaxprocs(2)}, {@code gomaxprocs 2 (the CPU limit)})
     * @throws IllegalArgumentException from a builder, IllegalStateException from the properties
     *                                  (as their other errors), naming both settings and the fix
     */
    public void checkCarriersFor(int procs, String procsFrom) {
        if (maxThreads >= procs) {
            return;
        }
        String message = maxThreadsSetting() + " is below " + procsFrom + ": each P needs a carrier of its own, so "
                + (procs - maxThreads) + " P(s) would never run: set " + maxThreadsSetting(procs)
                + " or more, or gomaxprocs " + maxThreads + " or less";
        throw source == Source.BUILDER ? new IllegalArgumentException(message) : new IllegalStateException(message);
    }

    public static final String HANDOFF_PROPERTY = "weft.handoff";
    public static final String MAX_THREADS_PROPERTY = "weft.maxthreads";
    public static final String SCHEDTRACE_PROPERTY = "gomaxprocs.schedtrace";
    public static final String SCHEDDETAIL_PROPERTY = "gomaxprocs.scheddetail";
    public static final String DEADLOCK_PROPERTY = "weft.deadlock";
    public static final String KEEP_ALIVE_PROPERTY = "weft.keepalive";

    /**
     * Go's sysmon retakes a P stuck in a syscall after 20 us to 10 ms; a blocked Java carrier
     * can't be told from a long computation by the clock alone, so weft waits longer (and checks
     * the carrier's thread state and CPU time): 20 ms is a few time slices, short enough that a
     * stalled gomaxprocs=1 program still answers well within a second.
     */
    static final long DEFAULT_HANDOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Go's default for debug.SetMaxThreads. */
    static final int DEFAULT_MAX_THREADS = 10_000;
    /**
     * The JDK's own virtual-thread scheduler keeps idle workers 30 s. Go keeps its Ms forever;
     * a short keep-alive churns threads: even without blocking, a carrier that is giving its P
     * back can be missed by a wake-up, which then starts one more (measured: 3 to 4 carriers
     * for 2 Ps under ping-pong), and re-creating those every few seconds cost ping-pong time.
     */
    static final long DEFAULT_KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * What sysmon does when every virtual thread of the scheduler is asleep: the engine's copy of
     * the public {@link dev.weft.scheduler.DeadlockMode}, constant for constant ({@link #of}).
     */
    public enum DeadlockMode {
        /** Nothing: no check. */
        OFF,
        /** Log an ERROR with each thread's stack (the default). */
        LOG,
        /** Log, and fail the threads blocked in weft channels with a {@link dev.weft.scheduler.DeadlockException}. */
        FAIL;

        /**
         * The engine's constant for the public one of the same name.
         *
         * @param mode the public mode; not null
         * @return the constant of the same name
         */
        public static DeadlockMode of(dev.weft.scheduler.DeadlockMode mode) {
            return valueOf(mode.name());
        }
    }

    /**
     * The defaults: 20 ms hand-off, 10000 carriers, no schedtrace, deadlocks logged, 30 s keep-alive.
     *
     * @return new settings with those values, {@link Source#PROPERTIES}
     */
    public static SysmonSettings defaults() {
        return new SysmonSettings(
                DEFAULT_HANDOFF_NANOS, DEFAULT_MAX_THREADS, 0, false, DeadlockMode.LOG, DEFAULT_KEEP_ALIVE_NANOS);
    }

    /**
     * The settings from the system properties.
     *
     * @return the settings, the defaults for each property not set
     * @throws IllegalStateException naming the property, if one is set to something not allowed
     */
    public static SysmonSettings fromSystemProperties() {
        return from(System::getProperty);
    }

    /**
     * The settings from properties looked up in {@code properties} (which returns null for an
     * unset one), as {@link #fromSystemProperties()} reads them from the JVM's.
     *
     * @param properties a property lookup: the value for a name, or null if unset
     * @return the settings, the defaults for each property not set
     * @throws IllegalStateException naming the property, if one is set to something not allowed
     */
    public static SysmonSettings from(Function<String, String> properties) {
        String handoff = properties.apply(HANDOFF_PROPERTY);
        String maxThreads = properties.apply(MAX_THREADS_PROPERTY);
        String schedtrace = properties.apply(SCHEDTRACE_PROPERTY);
        String scheddetail = properties.apply(SCHEDDETAIL_PROPERTY);
        String deadlock = properties.apply(DEADLOCK_PROPERTY);
        String keepAlive = properties.apply(KEEP_ALIVE_PROPERTY);
        SysmonSettings d = defaults();
        return new SysmonSettings(
                handoff == null ? d.handoffNanos : parseDuration(HANDOFF_PROPERTY, handoff),
                maxThreads == null
                        ? d.maxThreads
                        : (int) parseLong(MAX_THREADS_PROPERTY, maxThreads, 1, Integer.MAX_VALUE, MAX_THREADS_RULE),
                schedtrace == null
                        ? 0
                        : parseLong(SCHEDTRACE_PROPERTY, schedtrace, 0, MAX_SCHEDTRACE_MILLIS, SCHEDTRACE_RULE),
                scheddetail != null && parseBoolean(SCHEDDETAIL_PROPERTY, scheddetail),
                deadlock == null ? d.deadlock : parseDeadlock(deadlock),
                keepAlive == null ? d.keepAliveNanos : parseKeepAlive(keepAlive));
    }

    /** A Go duration from 100ms to 1h ({@code 30s}, {@code 500ms}); a bare number is milliseconds. */
    private static long parseKeepAlive(String value) {
        long nanos = parseDuration(
                KEEP_ALIVE_PROPERTY,
                value,
                MIN_KEEP_ALIVE_NANOS,
                "a duration such as 30s or 500ms (a bare number is milliseconds), " + KEEP_ALIVE_RANGE);
        if (nanos == 0) {
            throw invalid(KEEP_ALIVE_PROPERTY, value, KEEP_ALIVE_RULE);
        }
        return nanos;
    }

    // ---- the same rules for values given in code (GoScheduler.Builder) ----

    private static final long MIN_HANDOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MIN_KEEP_ALIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_DURATION_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long MAX_SCHEDTRACE_MILLIS = TimeUnit.DAYS.toMillis(1);
    private static final String HANDOFF_RANGE = "from 100us to 1h, or off";
    private static final String KEEP_ALIVE_RANGE = "from 100ms to 1h";
    private static final String KEEP_ALIVE_RULE = "a duration " + KEEP_ALIVE_RANGE + ", not off";
    private static final String MAX_THREADS_RULE = "an integer from 1 to " + Integer.MAX_VALUE;
    private static final String SCHEDTRACE_RULE = "a period in milliseconds from 0 (off) to " + MAX_SCHEDTRACE_MILLIS;

    /**
     * Checks a hand-off threshold given in code, as {@value #HANDOFF_PROPERTY} is checked.
     *
     * @param setting   the builder setter's name, for the message
     * @param threshold {@link Duration#ZERO} (off), or from 100 us to 1 h
     * @return it in nanoseconds
     * @throws IllegalArgumentException naming the setting, the value and the range
     */
    public static long checkHandoff(String setting, Duration threshold) {
        Objects.requireNonNull(threshold, setting);
        if (threshold.isZero()) {
            return 0;
        }
        return checkDuration(
                setting,
                threshold,
                HANDOFF_PROPERTY,
                MIN_HANDOFF_NANOS,
                "a duration " + HANDOFF_RANGE + " (Duration.ZERO)");
    }

    /**
     * Checks a keep-alive given in code, as {@value #KEEP_ALIVE_PROPERTY} is checked.
     *
     * @param setting   the builder setter's name, for the message
     * @param keepAlive from 100 ms to 1 h
     * @return it in nanoseconds
     * @throws IllegalArgumentException naming the setting, the value and the range
     */
    public static long checkKeepAlive(String setting, Duration keepAlive) {
        Objects.requireNonNull(keepAlive, setting);
        return checkDuration(setting, keepAlive, KEEP_ALIVE_PROPERTY, MIN_KEEP_ALIVE_NANOS, KEEP_ALIVE_RULE);
    }

    /**
     * Checks a most-carriers count given in code, as {@value #MAX_THREADS_PROPERTY} is checked.
     *
     * @param setting    the builder setter's name, for the message
     * @param maxThreads from 1 to {@link Integer#MAX_VALUE}
     * @return {@code maxThreads}
     * @throws IllegalArgumentException naming the setting, the value and the range
     */
    public static int checkMaxThreads(String setting, int maxThreads) {
        if (maxThreads < 1) {
            throw invalidArgument(setting, Integer.toString(maxThreads), MAX_THREADS_PROPERTY, MAX_THREADS_RULE);
        }
        return maxThreads;
    }

    /**
     * Checks a schedtrace period given in code, as {@value #SCHEDTRACE_PROPERTY} is checked.
     *
     * @param setting the builder setter's name, for the message
     * @param period  {@link Duration#ZERO} (off), or whole milliseconds up to a day
     * @return it in milliseconds
     * @throws IllegalArgumentException naming the setting, the value and the range (a part of a
     *                                  millisecond is refused, not rounded)
     */
    public static long checkSchedtrace(String setting, Duration period) {
        Objects.requireNonNull(period, setting);
        if (period.isNegative()
                || period.compareTo(Duration.ofMillis(MAX_SCHEDTRACE_MILLIS)) > 0
                || period.getNano() % 1_000_000 != 0) {
            throw invalidArgument(setting, goDuration(period), SCHEDTRACE_PROPERTY, SCHEDTRACE_RULE);
        }
        return period.toMillis();
    }

    private static long checkDuration(String setting, Duration d, String property, long minNanos, String rule) {
        if (d.compareTo(Duration.ofNanos(minNanos)) < 0 || d.compareTo(Duration.ofNanos(MAX_DURATION_NANOS)) > 0) {
            throw invalidArgument(setting, goDuration(d), property, rule);
        }
        return d.toNanos(); // at most an hour: no overflow
    }

    /** {@code d} as Go writes a duration, in the largest unit that keeps it whole ({@code 20ms}, {@code 1500us}, {@code -1s}). */
    static String goDuration(Duration d) {
        if (d.compareTo(Duration.ofDays(365)) > 0 || d.compareTo(Duration.ofDays(-365)) < 0) {
            return d.toString(); // far out of range: no nanosecond count needed
        }
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        String[] units = {"h", "m", "s", "ms", "us", "ns"};
        long[] sizes = {TimeUnit.HOURS.toNanos(1), TimeUnit.MINUTES.toNanos(1), 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        int i = 0;
        while (n % sizes[i] != 0) {
            i++;
        }
        return n / sizes[i] + units[i];
    }

    private static IllegalArgumentException invalidArgument(
            String setting, String value, String property, String rule) {
        return new IllegalArgumentException(setting + "(" + value + ") is not valid: " + property + " must be " + rule);
    }

    /**
     * A Go duration ({@code 20ms}, {@code 500us}, {@code 1s}, {@code 1500000ns}); a bare
     * number is milliseconds; {@code 0} or {@code off} turns hand-offs off.
     */
    private static long parseDuration(String property, String value) {
        return parseDuration(
                property,
                value,
                MIN_HANDOFF_NANOS,
                "a duration such as 20ms, 500us or 1s (a bare number is milliseconds), " + HANDOFF_RANGE);
    }

    private static long parseDuration(String property, String value, long minNanos, String rule) {
        String s = value.strip().toLowerCase(Locale.ROOT);
        if (s.equals("off") || s.equals("0")) {
            return 0;
        }
        long unit;
        String digits;
        if (s.endsWith("ns")) {
            unit = 1;
            digits = s.substring(0, s.length() - 2);
        } else if (s.endsWith("us") || s.endsWith("µs")) {
            unit = 1_000;
            digits = s.substring(0, s.length() - 2);
        } else if (s.endsWith("ms")) {
            unit = 1_000_000;
            digits = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unit = 1_000_000_000;
            digits = s.substring(0, s.length() - 1);
        } else {
            unit = 1_000_000;
            digits = s;
        }
        long n = parseLong(property, digits, 0, Long.MAX_VALUE / unit, rule, value);
        long nanos = n * unit;
        if (nanos < minNanos || nanos > MAX_DURATION_NANOS) {
            throw invalid(property, value, rule);
        }
        return nanos;
    }

    private static long parseLong(String property, String value, long min, long max, String rule) {
        return parseLong(property, value.strip(), min, max, rule, value);
    }

    private static long parseLong(String property, String digits, long min, long max, String rule, String original) {
        if (digits.isEmpty()) {
            throw invalid(property, original, rule);
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(property, original, rule);
            }
            n = n * 10 + (c - '0');
            if (n > max) {
                throw invalid(property, original, rule); // before it can overflow
            }
        }
        if (n < min) {
            throw invalid(property, original, rule);
        }
        return n;
    }

    private static boolean parseBoolean(String property, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw invalid(property, value, "true or false");
        };
    }

    private static DeadlockMode parseDeadlock(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "log" -> DeadlockMode.LOG;
            case "fail" -> DeadlockMode.FAIL;
            case "off" -> DeadlockMode.OFF;
            default -> throw invalid(DEADLOCK_PROPERTY, value, "log, fail or off");
        };
    }

    private static IllegalStateException invalid(String property, String value, String rule) {
        return new IllegalStateException(
                "-D" + property + "=" + value + " is not valid: " + property + " must be " + rule);
    }
}

package dev.weft.scheduler.engine;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What sysmon is told by system properties, read when a {@link GoScheduler} is created. A value
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
 */
public record SysmonSettings(long handoffNanos, int maxThreads, long schedtraceMillis, boolean scheddetail,
                      DeadlockMode deadlock, long keepAliveNanos) {

    public static final String HANDOFF_PROPERTY = "weft.handoff";
    public static final String MAX_THREADS_PROPERTY = "weft.maxthreads";
    static final String SCHEDTRACE_PROPERTY = "gomaxprocs.schedtrace";
    static final String SCHEDDETAIL_PROPERTY = "gomaxprocs.scheddetail";
    static final String DEADLOCK_PROPERTY = "weft.deadlock";
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

    /** What sysmon does when every virtual thread of the scheduler is asleep. */
    public enum DeadlockMode {
        /** Nothing: no check. */
        OFF,
        /** Log an ERROR with each thread's stack (the default). */
        LOG,
        /** Log, and fail the threads blocked in weft channels with a {@link DeadlockException}. */
        FAIL
    }

    /** The defaults: 20 ms hand-off, 10000 carriers, no schedtrace, deadlocks logged, 30 s keep-alive. */
    static SysmonSettings defaults() {
        return new SysmonSettings(DEFAULT_HANDOFF_NANOS, DEFAULT_MAX_THREADS, 0, false, DeadlockMode.LOG,
                DEFAULT_KEEP_ALIVE_NANOS);
    }

    /**
     * The settings from the system properties.
     *
     * @throws IllegalStateException naming the property, if one is set to something not allowed
     */
    public static SysmonSettings fromSystemProperties() {
        return parse(System.getProperty(HANDOFF_PROPERTY), System.getProperty(MAX_THREADS_PROPERTY),
                System.getProperty(SCHEDTRACE_PROPERTY), System.getProperty(SCHEDDETAIL_PROPERTY),
                System.getProperty(DEADLOCK_PROPERTY), System.getProperty(KEEP_ALIVE_PROPERTY));
    }

    /** The settings from the given property values ({@code null} when unset), keep-alive default. */
    public static SysmonSettings parse(String handoff, String maxThreads, String schedtrace, String scheddetail,
                                String deadlock) {
        return parse(handoff, maxThreads, schedtrace, scheddetail, deadlock, null);
    }

    /** The settings from the given property values ({@code null} when unset). */
    public static SysmonSettings parse(String handoff, String maxThreads, String schedtrace, String scheddetail,
                                String deadlock, String keepAlive) {
        SysmonSettings d = defaults();
        return new SysmonSettings(
                handoff == null ? d.handoffNanos : parseDuration(HANDOFF_PROPERTY, handoff),
                maxThreads == null ? d.maxThreads
                        : (int) parseLong(MAX_THREADS_PROPERTY, maxThreads, 1, Integer.MAX_VALUE,
                                "an integer from 1 to " + Integer.MAX_VALUE),
                schedtrace == null ? 0
                        : parseLong(SCHEDTRACE_PROPERTY, schedtrace, 0, TimeUnit.DAYS.toMillis(1),
                                "a period in milliseconds from 0 (off) to 86400000"),
                scheddetail != null && parseBoolean(SCHEDDETAIL_PROPERTY, scheddetail),
                deadlock == null ? d.deadlock : parseDeadlock(deadlock),
                keepAlive == null ? d.keepAliveNanos : parseKeepAlive(keepAlive));
    }

    /** A Go duration from 100ms to 1h ({@code 30s}, {@code 500ms}); a bare number is milliseconds. */
    private static long parseKeepAlive(String value) {
        long nanos = parseDuration(KEEP_ALIVE_PROPERTY, value, TimeUnit.MILLISECONDS.toNanos(100),
                "a duration such as 30s or 500ms (a bare number is milliseconds), from 100ms to 1h");
        if (nanos == 0) {
            throw invalid(KEEP_ALIVE_PROPERTY, value, "a duration from 100ms to 1h, not off");
        }
        return nanos;
    }

    /**
     * A Go duration ({@code 20ms}, {@code 500us}, {@code 1s}, {@code 1500000ns}); a bare
     * number is milliseconds; {@code 0} or {@code off} turns hand-offs off.
     */
    private static long parseDuration(String property, String value) {
        return parseDuration(property, value, TimeUnit.MICROSECONDS.toNanos(100),
                "a duration such as 20ms, 500us or 1s (a bare number is milliseconds),"
                        + " from 100us to 1h, or off");
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
        if (nanos < minNanos || nanos > TimeUnit.HOURS.toNanos(1)) {
            throw invalid(property, value, rule);
        }
        return nanos;
    }

    private static long parseLong(String property, String value, long min, long max, String rule) {
        return parseLong(property, value.strip(), min, max, rule, value);
    }

    private static long parseLong(String property, String digits, long min, long max, String rule,
                                  String original) {
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
        return new IllegalStateException("-D" + property + "=" + value + " is not valid: " + property
                + " must be " + rule);
    }
}

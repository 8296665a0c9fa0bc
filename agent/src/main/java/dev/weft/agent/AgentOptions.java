package dev.weft.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's options: {@code -javaagent:weft-agent.jar=gomaxprocs=4,onError=warn}. Each is the
 * same as a system property, which it sets ({@code -Dgomaxprocs}, {@code -Dweft.agent.onError});
 * giving both with different values is an error. With no size of weft's own, the JDK's
 * {@code -Djdk.virtualThreadScheduler.parallelism} sizes weft ({@link #followJdkParallelism}).
 *
 * @param onError {@code exit} (the default: a bad setting ends the JVM with status 1) or
 *                {@code warn} (the JVM goes on with the JDK's scheduler)
 */
record AgentOptions(String onError) {
    /** Option name to the system property it sets. */
    static final Map<String, String> PROPERTIES = Map.of(
            "gomaxprocs", "gomaxprocs",
            "onError", "weft.agent.onError");

    static final String ON_ERROR_PROPERTY = "weft.agent.onError";

    /** Why the agent refuses to start: the message is one line, for stderr. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses the options (null or empty: none) and sets the system properties they stand for.
     *
     * @throws Refused naming the bad option and the fix
     */
    static AgentOptions parseAndApply(String options) {
        Map<String, String> given = new LinkedHashMap<>();
        if (options != null && !options.isBlank()) {
            for (String item : options.split(",")) {
                if (item.isBlank()) {
                    continue; // "a,,b", a trailing or a leading comma: nothing there
                }
                int eq = item.indexOf('=');
                String key = (eq < 0 ? item : item.substring(0, eq)).strip();
                String value = eq < 0 ? null : item.substring(eq + 1).strip();
                if (!PROPERTIES.containsKey(key)) {
                    throw new Refused(
                            "unknown agent option '" + item + "' in -javaagent:weft-agent.jar=" + options
                                    + ". Known options: gomaxprocs=N, onError=exit|warn (as -Dgomaxprocs=N, -Dweft.agent.onError=exit|warn)");
                }
                if (value == null || value.isEmpty()) {
                    throw new Refused("agent option '" + key + "' has no value in -javaagent:weft-agent.jar=" + options
                            + ". Write it as " + key + "=VALUE");
                }
                if (given.put(key, value) != null) {
                    throw new Refused(
                            "agent option '" + key + "' is given twice in -javaagent:weft-agent.jar=" + options);
                }
            }
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            String property = PROPERTIES.get(e.getKey());
            String already = System.getProperty(property);
            if (already != null && !already.equals(e.getValue())) {
                throw new Refused("-D" + property + "=" + already + " and the agent option " + e.getKey() + "="
                        + e.getValue() + " disagree. Fix: give it once");
            }
            if (already == null) {
                System.setProperty(property, e.getValue());
                SET_BY_OPTIONS.put(property, e.getKey() + "=" + e.getValue());
            }
        }
        String onError = onErrorProperty();
        followJdkParallelism();
        return new AgentOptions(onError);
    }

    /** The JDK's own size setting, which weft follows when it has none of its own. */
    static final String JDK_PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /**
     * {@code -Djdk.virtualThreadScheduler.parallelism=N}, set for the JDK's scheduler, sizes
     * weft's too when neither {@code -Dgomaxprocs} nor {@code GOMAXPROCS} is set: a drop-in keeps
     * the size the application was tuned to.
     *
     * @throws Refused if it is not an integer from 1 to 1024
     */
    static void followJdkParallelism() {
        String jdk = System.getProperty(JDK_PARALLELISM);
        if (jdk == null || System.getProperty("gomaxprocs") != null || System.getenv("GOMAXPROCS") != null) {
            return;
        }
        String v = jdk.strip();
        boolean valid = !v.isEmpty()
                && v.length() <= 4
                && v.chars().allMatch(c -> c >= '0' && c <= '9')
                && Integer.parseInt(v) >= 1
                && Integer.parseInt(v) <= 1024;
        if (!valid) {
            throw new Refused(
                    "-D" + JDK_PARALLELISM + "=" + jdk + " is not valid: under weft-agent it sizes weft's"
                            + " scheduler (gomaxprocs), which must be an integer from 1 to 1024. Fix: set it so, or set -Dgomaxprocs=N");
        }
        System.setProperty("gomaxprocs", v);
        SET_BY_OPTIONS.put("gomaxprocs", "-D" + JDK_PARALLELISM + "=" + jdk);
    }

    /** The system properties the agent set (from its options, or the JDK's parallelism): property to source. */
    private static final Map<String, String> SET_BY_OPTIONS = new LinkedHashMap<>();

    /**
     * Where a setting the agent set came from, for an error about it: {@code " (from the agent
     * option gomaxprocs=x)"}; empty for settings the user gave as they are named.
     */
    static String sourceOf(String message) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : SET_BY_OPTIONS.entrySet()) {
            if (message.contains("-D" + e.getKey() + "=")) {
                sb.append(" (-D")
                        .append(e.getKey())
                        .append(" was set from ")
                        .append(e.getValue().startsWith("-D") ? e.getValue() : "the agent option " + e.getValue())
                        .append(')');
            }
        }
        return sb.toString();
    }

    /**
     * Takes back the system properties the agent set: after a refusal that only warns, the
     * application (and a later {@code GoScheduler.global()} of its own) sees the JVM as it was.
     */
    static void undo() {
        for (String property : SET_BY_OPTIONS.keySet()) {
            System.clearProperty(property);
        }
        SET_BY_OPTIONS.clear();
    }

    /**
     * Whether a refusal is to warn only, known before the options are checked (so that one bad
     * option beside {@code onError=warn} still only warns): {@code -Dweft.agent.onError=warn},
     * or, with no such property, an option {@code onError=warn}.
     */
    static boolean warnRequested(String options) {
        String property = System.getProperty(ON_ERROR_PROPERTY);
        if (property != null) {
            return property.equals("warn");
        }
        if (options != null) {
            for (String item : options.split(",")) {
                int eq = item.indexOf('=');
                if (eq > 0
                        && item.substring(0, eq).strip().equals("onError")
                        && item.substring(eq + 1).strip().equals("warn")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code -Dweft.agent.onError}: exit or warn. */
    static String onErrorProperty() {
        String v = System.getProperty(ON_ERROR_PROPERTY, "exit");
        if (!v.equals("exit") && !v.equals("warn")) {
            throw new Refused("-D" + ON_ERROR_PROPERTY + "=" + v + " is not valid. Fix: exit (the default: stop the JVM"
                    + " on a bad setting) or warn (keep the JDK's scheduler and go on)");
        }
        return v;
    }

    boolean warnOnly() {
        return onError.equals("warn");
    }
}

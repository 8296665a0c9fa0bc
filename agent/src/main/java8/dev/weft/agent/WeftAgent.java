package dev.weft.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The entry point of {@code weft-agent.jar} ({@code Premain-Class}, {@code Agent-Class} and
 * {@code Launcher-Agent-Class}). Compiled for Java 8, so that on any JVM it can check the Java
 * version and say, in one line, what to do, before it loads the agent proper
 * ({@code AgentMain}, which needs JDK 25).
 */
public final class WeftAgent {
    /** The one feature release the agent knows the virtual-thread internals of. */
    static final int JDK = 25;

    private WeftAgent() {}

    /**
     * {@code -javaagent:weft-agent.jar[=options]}, before {@code main}.
     *
     * @param options the agent options, or null
     * @param inst    the JVM's instrumentation
     */
    public static void premain(String options, Instrumentation inst) {
        start(options, inst, false);
    }

    /**
     * A late attach, or an executable jar's {@code Launcher-Agent-Class}.
     *
     * @param options the agent options, or null
     * @param inst    the JVM's instrumentation
     */
    public static void agentmain(String options, Instrumentation inst) {
        start(options, inst, true);
    }

    private static void start(String options, Instrumentation inst, boolean late) {
        int feature = featureRelease();
        if (feature < JDK) {
            fail(
                    "needs JDK " + JDK + ", but this JVM is Java "
                            + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                            + "). Fix: run with a JDK " + JDK
                            + " java (e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64),"
                            + " or drop -javaagent:weft-agent.jar.",
                    options);
            return;
        }
        try {
            Method m = Class.forName("dev.weft.agent.AgentMain")
                    .getMethod("start", String.class, Instrumentation.class, boolean.class);
            m.invoke(null, options, inst, late);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            fail("weft-agent failed to start: " + cause, options);
        } catch (ReflectiveOperationException | LinkageError e) {
            fail(
                    "weft-agent.jar is damaged or incomplete (" + e
                            + "). Fix: rebuild it with ./weft mvn -pl agent -am package",
                    options);
        }
    }

    /** 8 for "1.8.0_412", 25 for "25.0.3". */
    static int featureRelease() {
        String v = System.getProperty("java.specification.version", "0");
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether to warn only: {@code -Dweft.agent.onError=warn}, or, with no such property, the
     * agent option {@code onError=warn} (as {@code AgentOptions.warnRequested}).
     */
    static boolean warnOnly(String options) {
        String property = System.getProperty("weft.agent.onError");
        if (property != null) {
            return property.equals("warn");
        }
        if (options != null) {
            for (String item : options.split(",")) {
                int eq = item.indexOf('=');
                if (eq > 0
                        && item.substring(0, eq).trim().equals("onError")
                        && item.substring(eq + 1).trim().equals("warn")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One line on stderr, then exit status 1 (unless onError=warn: the JVM goes on, unchanged). */
    private static void fail(String message, String options) {
        if (warnOnly(options)) {
            System.err.println("weft-agent: " + message
                    + " (weft.agent.onError=warn: virtual threads stay on the JDK's scheduler)");
            return;
        }
        System.err.println("weft-agent: " + message);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }
}

package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.test.support.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs plain JDK programs (main classes of this module's test sources, which import nothing of
 * weft) in a child JVM under {@code -javaagent:weft-agent.jar}: the agent jar is the only weft
 * on the child's class path, as for a user. Output is stdout and stderr together.
 */
final class AgentJvm {
    private AgentJvm() {}

    /** What a child printed and how it exited. */
    record Result(int exitCode, String output) {
        /** Checks exit status 0 and a line {@code done}; returns the output. */
        String ok() {
            assertEquals(0, exitCode, output);
            assertTrue(output.lines().anyMatch("done"::equals), "no 'done' line:\n" + output);
            noCrash();
            return output;
        }

        /** Checks no JVM crash, fatal agent error or native stack dump. */
        Result noCrash() {
            for (String bad :
                    List.of("FATAL ERROR", "hs_err_pid", "SIGSEGV", "A fatal error", "*** java.lang.instrument")) {
                assertFalse(output.contains(bad), "'" + bad + "' in:\n" + output);
            }
            return this;
        }
    }

    /** The agent jar built by this module's package phase (failsafe passes its path). */
    static Path agentJar() {
        String p = System.getProperty("weft.agent.jar");
        Path jar = p != null ? Path.of(p) : Path.of("target", "weft-agent.jar");
        assertTrue(
                Files.isRegularFile(jar),
                "weft-agent.jar not built at " + jar.toAbsolutePath()
                        + ": run the tests with 'mvn verify' (they are integration tests, after package)");
        return jar.toAbsolutePath();
    }

    /** This module's test classes: the plain JDK programs. */
    static String testClasses() {
        return Path.of("target", "test-classes").toAbsolutePath().toString();
    }

    /** Runs {@code main} under the agent with {@code flags} (JVM options) and {@code args}. */
    static Result withAgent(Class<?> main, List<String> flags, String... args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add("-javaagent:" + agentJar());
        all.addAll(flags);
        return run(testClasses(), all, main.getName(), args);
    }

    /** Runs {@code main} without the agent: the JDK's own scheduler, for comparison. */
    static Result withoutAgent(Class<?> main, List<String> flags, String... args) throws Exception {
        return run(testClasses(), flags, main.getName(), args);
    }

    /**
     * Runs {@code java -cp classPath flags mainClass args} with JDK 25 (this JVM's java), with no
     * {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS} from outside; kills it after 120 s.
     */
    static Result run(String classPath, List<String> flags, String mainClass, String... args) throws Exception {
        return exec(ChildJvm.command(classPath, flags, mainClass, args));
    }

    /** The java launcher of this JVM (JDK 25). */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a command; output stdout and stderr together; killed after 120 s (a failed check). */
    static Result exec(List<String> cmd) throws Exception {
        return exec(cmd, java.util.Map.of(), false);
    }

    /** Joins class path entries. */
    static String classPath(String... entries) {
        return ChildJvm.classPath(entries);
    }

    /**
     * As {@link #exec}, with {@code env} added to the child's environment (after the removals), and
     * only the child's stderr in the output when {@code stderrOnly} (its stdout is discarded).
     */
    static Result exec(List<String> cmd, java.util.Map<String, String> env, boolean stderrOnly) throws Exception {
        ChildJvm.Result r = ChildJvm.exec(cmd, env, stderrOnly, Duration.ofSeconds(120));
        return new Result(r.exitCode(), r.output());
    }
}

package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent and the application's logging: weft logs through its own SLF4J, relocated inside the
 * agent jar ({@code dev.weft.agent.slf4j}) with slf4j-simple to stderr, so its lines reach stderr
 * in an application with no SLF4J at all, and the application's own SLF4J, in any class loader, is
 * never touched; SLF4J never complains (no "SLF4J(W)" lines: no provider, several providers).
 */
class AgentLoggingIT {
    /** {@code -Dgomaxprocs.schedtrace=100}: sysmon logs a schedtrace line every 100 ms. */
    static final List<String> SCHEDTRACE = List.of("-Dgomaxprocs=1", "-Dgomaxprocs.schedtrace=100");

    static final String SCHED_LINE = "(?s).*INFO dev\\.weft\\.scheduler\\.schedtrace - SCHED \\d+ms: gomaxprocs=1 .*";

    static void noSlf4jNoise(String out) {
        for (String noise : List.of("SLF4J(W)", "SLF4J(E)", "SLF4J:", "No SLF4J providers", "multiple", "NOP")) {
            assertFalse(out.contains(noise), "'" + noise + "' in:\n" + out);
        }
    }

    /** A jar of the test class path whose file name starts with {@code name-}. */
    static String testClassPathJar(String name) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> Path.of(e).getFileName().toString().matches(name + "-\\d.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " jar on the test class path: " + cp));
    }

    @Test
    void anApplicationWithNoSlf4jGetsWeftsLogLinesOnStderr() throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(AgentJvm.java(), "-cp", AgentJvm.testClasses(), "-javaagent:" + AgentJvm.agentJar()));
        cmd.addAll(SCHEDTRACE);
        cmd.addAll(List.of(VirtualThreadsForAWhile.class.getName(), "500"));
        AgentJvm.Result stderr = AgentJvm.exec(cmd, Map.of(), true).noCrash();
        assertEquals(0, stderr.exitCode(), stderr.output());
        assertTrue(stderr.output().matches(SCHED_LINE), "no schedtrace line on stderr:\n" + stderr.output());
        assertFalse(stderr.output().contains("done"), "stdout in the stderr-only output:\n" + stderr.output());
        noSlf4jNoise(stderr.output());
    }

    @Test
    void anApplicationWithItsOwnSlf4jSimpleKeepsItsProvider() throws Exception {
        String simple = testClassPathJar("slf4j-simple");
        String cp = AgentJvm.classPath(AgentJvm.testClasses(), testClassPathJar("slf4j-api"), simple);
        List<String> flags = new ArrayList<>(List.of("-javaagent:" + AgentJvm.agentJar()));
        flags.addAll(SCHEDTRACE);
        String out =
                AgentJvm.run(cp, flags, Slf4jApplication.class.getName(), "500").ok();
        assertTrue(out.contains("INFO app - the application logs through its own SLF4J"), out);
        String factory = AgentBehaviourIT.line(out, "factory");
        assertTrue(factory.startsWith("org.slf4j.simple.SimpleLoggerFactory "), factory);
        assertEquals(
                Path.of(simple).toAbsolutePath(),
                Path.of(java.net.URI.create(factory.substring(factory.indexOf(' ') + 1))),
                "not the application's slf4j-simple: " + factory);
        assertTrue(out.matches(SCHED_LINE), "no schedtrace line:\n" + out);
        noSlf4jNoise(out);
    }

    /**
     * slf4j-api without a provider: the application's SLF4J says so and falls back to its no-op
     * logger, exactly as without the agent (the agent does not pick a provider for it); weft's
     * own lines reach stderr all the same.
     */
    @Test
    void anApplicationWithSlf4jApiButNoProviderGetsWeftsLinesAndItsOwnSlf4jUnchanged() throws Exception {
        String cp = AgentJvm.classPath(AgentJvm.testClasses(), testClassPathJar("slf4j-api"));
        List<String> flags = new ArrayList<>(List.of("-javaagent:" + AgentJvm.agentJar()));
        flags.addAll(SCHEDTRACE);
        String out =
                AgentJvm.run(cp, flags, Slf4jApplication.class.getName(), "500").ok();
        assertTrue(out.matches(SCHED_LINE), "no schedtrace line:\n" + out);
        assertTrue(out.contains("factory org.slf4j.helpers.NOPLoggerFactory"), out);
        String without = AgentJvm.run(cp, List.of(), Slf4jApplication.class.getName(), "500")
                .ok();
        assertTrue(without.contains("factory org.slf4j.helpers.NOPLoggerFactory"), without);
        assertEquals(
                without.contains("No SLF4J providers were found"),
                out.contains("No SLF4J providers were found"),
                "the agent changed what the application's SLF4J says:\n" + out);
    }

    /**
     * An application in a parent-first nested loader (Spring Boot) and in a child-first one (a web
     * app) keeps its own SLF4J: before weft's SLF4J was relocated, the parent-first one got
     * {@code LoggerFactory} from weft-agent.jar and slf4j-simple, the child-first one an
     * "SLF4J(E) ... does not implement SLF4JServiceProvider" error.
     */
    @Test
    void anApplicationInANestedLoaderKeepsItsOwnSlf4j() throws Exception {
        String api = testClassPathJar("slf4j-api");
        String simple = testClassPathJar("slf4j-simple");
        for (String mode : List.of("parent-first", "child-first")) {
            String out = AgentJvm.run(
                            AgentJvm.testClasses(),
                            List.of("-javaagent:" + AgentJvm.agentJar(), "-Dgomaxprocs=1"),
                            NestedLoaderSlf4j.class.getName(),
                            mode,
                            api,
                            simple)
                    .ok();
            assertTrue(
                    out.matches(
                            "(?s).*LoggerFactory from file:\\S*" + Path.of(api).getFileName() + "\n.*"),
                    mode + ": not the application's slf4j-api:\n" + out);
            assertTrue(out.contains("factory org.slf4j.simple.SimpleLoggerFactory"), mode + ":\n" + out);
            assertTrue(out.contains("the nested application logs through its own SLF4J"), mode + ":\n" + out);
            assertTrue(out.matches("(?s).*carrier .*@weft-global-carrier-\\d+.*"), mode + ":\n" + out);
            noSlf4jNoise(out);
        }
    }
}

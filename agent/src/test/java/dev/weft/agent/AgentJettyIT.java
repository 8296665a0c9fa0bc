package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real server under the agent: Jetty 12 with its {@code VirtualThreadPool} (plain Jetty code,
 * {@link JettyHello}) runs its request handlers on weft's carriers, and on the JDK's ForkJoinPool
 * without the agent.
 */
class AgentJettyIT {
    private static final String WEFT_CARRIER = "weft-global-carrier-\\d+";
    private static final String JDK_CARRIER = "ForkJoinPool-\\d+-worker-\\d+";
    /** Concurrent GETs the client sends; it also sends one GET without a name and one POST. */
    private static final int REQUESTS = 200;

    private static final int HANDLERS = REQUESTS + 2;

    @Test
    void jettyHandlersOnAQueuedThreadPoolWithAVirtualThreadPoolRunOnWeftCarriers() throws Exception {
        String out = AgentJvm.run(
                        classPath(),
                        List.of("-javaagent:" + AgentJvm.agentJar(), "-Dgomaxprocs=2"),
                        JettyHello.class.getName(),
                        "qtp",
                        String.valueOf(REQUESTS))
                .ok();
        assertAllCarriers(out, WEFT_CARRIER, HANDLERS);
    }

    @Test
    void jettyWithTheVirtualThreadPoolAsItsOnlyPoolRunsOnWeftCarriers() throws Exception {
        String out = AgentJvm.run(
                        classPath(),
                        List.of("-javaagent:" + AgentJvm.agentJar(), "-Dgomaxprocs=2"),
                        JettyHello.class.getName(),
                        "vtp",
                        String.valueOf(REQUESTS))
                .ok();
        assertAllCarriers(out, WEFT_CARRIER, HANDLERS);
    }

    @Test
    void withoutTheAgentTheSameServerRunsOnForkJoinPoolWorkers() throws Exception {
        String out = AgentJvm.run(classPath(), List.of(), JettyHello.class.getName(), "qtp", String.valueOf(REQUESTS))
                .ok();
        assertAllCarriers(out, JDK_CARRIER, HANDLERS);
    }

    /**
     * Every {@code carrier NAME COUNT} line names a carrier matching {@code pattern}, and the
     * counts add up to every answered request (so no handler ran anywhere else).
     */
    private static void assertAllCarriers(String out, String pattern, int handlers) {
        List<String> lines = out.lines().filter(l -> l.startsWith("carrier ")).toList();
        assertFalse(lines.isEmpty(), "no carrier lines:\n" + out);
        int total = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            assertTrue(
                    f.length == 3 && f[1].matches(pattern),
                    "handler carrier '" + line + "' is not " + pattern + ":\n" + out);
            total += Integer.parseInt(f[2]);
        }
        assertTrue(total == handlers, "carrier counts add up to " + total + ", not " + handlers + ":\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.matches("handler VirtualThread\\[.*@" + pattern)), out);
    }

    /**
     * The plain programs of this module plus Jetty and what Jetty needs (slf4j-api), from this
     * test JVM's own class path: nothing of weft but the agent jar.
     */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        entries.add(AgentJvm.testClasses());
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> {
                    String name = Path.of(e).getFileName().toString();
                    return name.startsWith("jetty-") || name.startsWith("slf4j-api-");
                })
                .forEach(entries::add);
        assertTrue(entries.stream().anyMatch(e -> e.contains("jetty-server")), "no jetty-server jar on " + entries);
        assertTrue(
                entries.stream()
                        .skip(1)
                        .noneMatch(e -> Path.of(e).getFileName().toString().startsWith("weft")),
                "weft on the child's class path: " + entries);
        return AgentJvm.classPath(entries.toArray(String[]::new));
    }
}

package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PlainHelloServer} in a child JVM, as {@code ./weft agent-hello} runs it: the examples'
 * classes only on the class path, {@code -javaagent:agent/target/weft-agent.jar}. Its handlers
 * must answer as the Go server does and run on weft's carriers; without the agent, the same
 * server runs on the JDK's {@code ForkJoinPool} (which shows the carrier check can fail).
 */
@Timeout(120)
class PlainHelloServerIT {

    private static final Pattern RUNNING = Pattern.compile("Server running at http://localhost:(\\d+)");

    /** The agent jar (failsafe passes its path); fails with what to do if it is not built. */
    private static Path agentJar() {
        String p = System.getProperty("weft.agent.jar", "../agent/target/weft-agent.jar");
        Path jar = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail("weft-agent.jar not built at " + jar + ": build the agent module first (mvn -pl"
                    + " agent,examples -am verify; the examples' pom depends on weft-agent for that order)");
        }
        return jar;
    }

    private static String examplesClasses() {
        return Path.of(System.getProperty("examples.classes", "target/classes"))
                .toAbsolutePath()
                .toString();
    }

    @Test
    void underTheAgentPlainJdkHandlersRunOnWeftCarriers() throws Exception {
        List<String> flags = List.of("-javaagent:" + agentJar(), "-Dgomaxprocs=2");
        try (Child server = Child.start(flags)) {
            assertEquals("gomaxprocs=2", server.awaitLine("gomaxprocs=\\d+"), server.output());
            checkAnswers(server.port, "weft-global-carrier-\\d+", server);
        }
    }

    @Test
    void withoutTheAgentTheSameServerRunsOnTheJdkScheduler() throws Exception {
        List<String> flags = List.of("-Djdk.virtualThreadScheduler.parallelism=2");
        try (Child server = Child.start(flags)) {
            assertEquals("gomaxprocs=2", server.awaitLine("gomaxprocs=\\d+"), server.output());
            checkAnswers(server.port, "ForkJoinPool-\\d+-worker-\\d+", server);
        }
    }

    /** The Go server's answers, each from a handler on a carrier named like {@code carrier}. */
    private static void checkAnswers(int port, String carrier, Child server) throws Exception {
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            List<HttpResponse<String>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> byName = send(client, port, "/hello?name=John" + i, "GET");
                assertEquals(200, byName.statusCode(), server.output());
                assertEquals("Hello, John" + i + "!", byName.body());
                all.add(byName);
            }
            HttpResponse<String> world = send(client, port, "/hello", "GET");
            assertEquals(200, world.statusCode());
            assertEquals("Hello, world!", world.body());
            assertEquals(
                    "text/plain; charset=utf-8",
                    world.headers().firstValue("Content-Type").orElseThrow());
            all.add(world);

            HttpResponse<String> post = send(client, port, "/hello?name=John", "POST");
            assertEquals(405, post.statusCode());
            assertEquals("Method not allowed", post.body());
            all.add(post);

            assertEquals(404, send(client, port, "/other", "GET").statusCode());

            for (HttpResponse<String> r : all) {
                String name =
                        r.headers().firstValue(PlainHelloServer.CARRIER_HEADER).orElse("<none>");
                assertTrue(
                        name.matches(carrier),
                        r.request().uri() + " ran on carrier '" + name + "', expected " + carrier + "\n"
                                + server.output());
            }
        }
    }

    private static HttpResponse<String> send(HttpClient client, int port, String pathAndQuery, String method)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("x"))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The server in a child JVM on a free port; its output lines are read as they come. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer output = new StringBuffer();
        final int port;

        private Child(Process process) throws Exception {
            this.process = process;
            Thread.ofPlatform().daemon(true).name("child-output").start(this::readOutput);
            Matcher m = RUNNING.matcher(awaitLine(RUNNING.pattern()));
            assertTrue(m.matches());
            port = Integer.parseInt(m.group(1));
        }

        static Child start(List<String> flags) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(flags);
            cmd.addAll(List.of("-cp", examplesClasses(), PlainHelloServer.class.getName(), "--port", "0"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().remove("GOMAXPROCS");
            return new Child(pb.start());
        }

        private void readOutput() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                output.append("(output read failed: ").append(e).append(")\n");
            }
            lines.add("<exited>");
        }

        /**
         * The next output line that matches {@code regex} (others, such as log lines, are skipped);
         * a failure if the server exits or prints none within 60 s.
         */
        String awaitLine(String regex) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("<exited>")) {
                    fail("no line matching '" + regex + "' from the server ("
                            + (line == null ? "60 s passed" : "it exited") + ")\n" + output());
                }
                if (line.matches(regex)) {
                    return line;
                }
            }
        }

        String output() {
            return "--- server output ---\n" + output;
        }

        @Override
        public void close() {
            // Not InterruptedException: try-with-resources could suppress it under the body's exception,
            // and the interrupt with it (javac's [try] lint). Interrupted, it restores the flag and fails.
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the server process", e);
            }
        }
    }
}

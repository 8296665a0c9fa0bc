package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.test.support.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM under the agent that the test talks to while it runs (for {@code jcmd}, and for
 * programs that never end by themselves, like a deadlocked one): its output (stdout and stderr
 * together) is collected line by line as it comes, {@link #awaitLine} waits for a line, and
 * {@link #close} kills what is still running.
 */
final class LiveChild implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Writer stdin;
    private final Thread collector;

    private LiveChild(Process process) {
        this.process = process;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        this.collector = Thread.ofPlatform().daemon(true).name("child-output").start(this::collect);
    }

    /** Starts {@code java -cp test-classes -javaagent:weft-agent.jar flags main args}. */
    static LiveChild withAgent(Class<?> main, List<String> flags, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("-javaagent:" + AgentJvm.agentJar()));
        all.addAll(flags);
        ProcessBuilder pb =
                ChildJvm.processBuilder(ChildJvm.command(AgentJvm.testClasses(), all, main.getName(), args));
        return new LiveChild(pb.start());
    }

    private void collect() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the child was killed
        }
    }

    long pid() {
        return process.pid();
    }

    /** Everything printed so far. */
    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** How many lines printed so far match. */
    long count(Predicate<String> match) {
        synchronized (lines) {
            return lines.stream().filter(match).count();
        }
    }

    /**
     * Waits until {@code n} lines printed so far match (a failed check after {@code timeout},
     * or if the child exits first); returns the n-th.
     */
    String awaitLine(Predicate<String> match, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> hits = lines.stream().filter(match).toList();
                if (hits.size() >= n) {
                    return hits.get(n - 1);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !collector.isAlive()) { // timed out, or the child exited (end of its output)
                    fail("no " + n + " such line(s) within " + timeout
                            + (collector.isAlive() ? "" : " (the child exited)") + ":\n" + String.join("\n", lines));
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Sends one line to the child's stdin. */
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the child to exit by itself (120 s) and returns its result with all output. */
    AgentJvm.Result awaitExit() throws Exception {
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            fail("child did not exit within 120 s:\n" + output());
        }
        if (!collector.join(Duration.ofSeconds(10))) { // it ends at the end of the output
            fail("child's output did not end 10 s after it exited:\n" + output());
        }
        return new AgentJvm.Result(process.exitValue(), output());
    }

    /** The JDK's {@code bin/jcmd} of this JVM (JDK 25). */
    static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

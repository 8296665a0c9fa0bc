package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a child JVM, with the flag weft needs, and returns
 * what it printed (stdout and stderr together), after checking that it exited 0. For behaviour
 * that depends on the whole JVM: its heap ({@code -Xmx64m} memory tests), its threads (JUnit's
 * own would hide a deadlock) or its log. A child that does not exit within the timeout is
 * killed and the test fails with what it printed: its output is read on another thread, so a
 * hung child can't hang the test.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code main} with {@code flags} (before the class name) and {@code args} (after it).
     *
     * @return everything it printed
     */
    static String run(Class<?> main, List<String> flags, Duration timeout, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(flags);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon(true).name("child-jvm-" + main.getSimpleName()).start(r));
        boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(exited, "child JVM " + main.getSimpleName() + " did not exit within " + timeout + ", killed:\n" + output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}

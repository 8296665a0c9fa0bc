package dev.weft.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in a child JVM and returns what it printed: for behaviour that depends on the
 * whole JVM, its heap ({@code -Xmx64m} memory tests), its threads (JUnit's own would hide a
 * deadlock), its log, its flags and system properties, or a Java agent. The one fixture of the
 * scheduler's, the channels' and the agent's tests.
 *
 * <p>The child runs this JVM's {@code java} (JDK 25) without {@code JDK_JAVA_OPTIONS},
 * {@code JAVA_TOOL_OPTIONS} or {@code GOMAXPROCS} from outside. Its output (stdout and stderr
 * together, unless asked otherwise) is read on another thread, so a child that hangs is killed at
 * its timeout and the test fails with what it printed, rather than hanging the test.
 *
 * <p>Thread-safe: each call starts its own process.
 */
public final class ChildJvm {
    /** The longest a child of {@link #run} or {@link #start} may run: 60 s. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ChildJvm() {}

    /** What a child printed and how it exited. */
    public record Result(int exitCode, String output) {
        /**
         * Checks exit status 0 and a line {@code done} (printed last by every child main of weft's tests).
         *
         * @return the output
         */
        public String ok() {
            assertEquals(0, exitCode, output);
            assertTrue(output.lines().anyMatch(l -> l.contains("done")), "no 'done' line:\n" + output);
            return output;
        }
    }

    /**
     * Runs {@code main}, a class of this JVM's class path, in a child JVM with the flag weft
     * needs ({@code --add-opens java.base/java.lang=ALL-UNNAMED}), {@code flags} (before the class
     * name) and {@code args} (after it), killed after {@code timeout}; checks it exited 0 and
     * printed {@code done}.
     *
     * @return everything it printed
     */
    public static String run(Class<?> main, List<String> flags, Duration timeout, String... args) throws Exception {
        return await(start(main, flags, timeout, args));
    }

    /** As {@link #run} with the timeout {@link #TIMEOUT}. */
    public static String run(Class<?> main, List<String> flags, String... args) throws Exception {
        return run(main, flags, TIMEOUT, args);
    }

    /** As {@link #run} but with exactly {@code flags}: without weft's {@code --add-opens}. */
    public static String runWithout(List<String> flags, Class<?> main, String... args) throws Exception {
        return exec(
                        command(System.getProperty("java.class.path"), flags, main.getName(), args),
                        Map.of(),
                        false,
                        TIMEOUT)
                .ok();
    }

    /**
     * As {@link #run}, but returns at once: {@link CompletableFuture#get()} (or {@link #await})
     * waits for the child and checks it. For several child JVMs at the same time.
     */
    public static CompletableFuture<String> start(Class<?> main, List<String> flags, Duration timeout, String... args) {
        List<String> all = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        all.addAll(flags);
        List<String> cmd = command(System.getProperty("java.class.path"), all, main.getName(), args);
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofPlatform()
                .daemon(true)
                .name("child-jvm-" + main.getSimpleName())
                .start(() -> {
                    try {
                        result.complete(exec(cmd, Map.of(), false, timeout).ok());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    /** The value of a child started with {@link #start}, its failed checks thrown as they are. */
    public static <T> T await(CompletableFuture<T> child) throws Exception {
        try {
            return child.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** The java launcher of this JVM (JDK 25). */
    public static String java() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code java [-cp classPath] flags [mainClass] args}; a null class path or main class is left out. */
    public static List<String> command(String classPath, List<String> flags, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java()));
        if (classPath != null) {
            cmd.addAll(List.of("-cp", classPath));
        }
        cmd.addAll(flags);
        if (mainClass != null) {
            cmd.add(mainClass);
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Joins class path entries. */
    public static String classPath(String... entries) {
        return String.join(File.pathSeparator, entries);
    }

    /**
     * A process builder for {@code cmd} with stdout and stderr together, and without the outside
     * settings that would change a child ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS},
     * {@code GOMAXPROCS}).
     */
    public static ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("GOMAXPROCS");
        return pb;
    }

    /**
     * Runs {@code cmd} (see {@link #processBuilder}) with {@code env} added to its environment,
     * and waits for it: killed after {@code timeout}, which fails the test with its output.
     *
     * @param stderrOnly only the child's stderr in the output (its stdout is discarded)
     * @return how it exited and what it printed; not checked further
     */
    public static Result exec(List<String> cmd, Map<String, String> env, boolean stderrOnly, Duration timeout)
            throws Exception {
        ProcessBuilder pb = processBuilder(cmd).redirectErrorStream(!stderrOnly);
        pb.environment().putAll(env);
        if (stderrOnly) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return (stderrOnly ? p.getErrorStream() : p.getInputStream()).readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                r -> Thread.ofPlatform().daemon(true).name("child-jvm-output").start(r));
        boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(
                exited,
                "child JVM did not exit within " + timeout + ", killed: " + String.join(" ", cmd) + "\n" + output);
        return new Result(p.exitValue(), output);
    }
}

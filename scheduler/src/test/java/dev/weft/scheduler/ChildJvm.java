package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a child JVM (with the flag weft needs) and returns
 * what it printed, stdout and stderr together. For behaviour that depends on the whole JVM: the
 * threads it has (JUnit's own would hide a deadlock), or the log lines it prints.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Runs {@code main} with weft's flag, INFO logging and {@code flags}; checks it exited 0 and printed {@code done}. */
    static String run(Class<?> main, List<String> flags, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        all.addAll(flags);
        return runWith(all, main, args);
    }

    /** Runs {@code main} with exactly {@code flags} (and the classpath); checks it exited 0 and printed {@code done}. */
    static String runWith(List<String> flags, Class<?> main, String... args) throws Exception {
        return await(startWith(flags, main, args));
    }

    /** The output of a child started with {@link #start}, its failed checks thrown as they are. */
    static String await(CompletableFuture<String> child) throws Exception {
        try {
            return child.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * Starts {@code main} with weft's flag, INFO logging and {@code flags}, and returns at once:
     * {@link CompletableFuture#get()} on the result waits for it to exit (60 s at most, then it
     * is killed) and checks it as {@link #run} does. For several child JVMs at the same time.
     */
    static CompletableFuture<String> start(Class<?> main, List<String> flags, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        all.addAll(flags);
        return startWith(all, main, args);
    }

    private static CompletableFuture<String> startWith(List<String> flags, Class<?> main, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        cmd.addAll(flags);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("child-jvm-" + main.getSimpleName()).start(() -> {
            try {
                result.complete(check(p));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static String check(Process p) throws Exception {
        // read on another thread, so that a child that hangs is killed rather than read forever
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon(true).start(r));
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(exited, "child JVM did not exit within 60 s, killed:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("done"), output);
        return output;
    }
}

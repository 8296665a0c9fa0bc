package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
        String output = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("done"), output);
        return output;
    }
}

package dev.weft.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.scheduler.GoScheduler;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weft as a user gets it, from the module path and from the class path: a small consumer program
 * (test resources {@code module-path/consumer}: GoScheduler, Chan, Select, a timer, Goroutines,
 * JMX and JFR) is compiled as module {@code consumer} against weft's modules and run in child JVMs,
 * with and without the {@code --add-opens} flag weft needs. The unit tests themselves run on the
 * class path (Surefire's {@code useModulePath=false}), so this is where the module descriptors
 * are checked: what they export, that another module cannot compile against the engine or
 * {@code internal}, and what a module-path user must pass.
 */
class ModulePathTest {
    private static final String OPENS_TO_MODULE = "--add-opens java.base/java.lang=dev.weft.scheduler";
    private static final String OPENS_TO_UNNAMED = "--add-opens java.base/java.lang=ALL-UNNAMED";

    @TempDir
    static Path dir;

    /** weft's modules and SLF4J (api and slf4j-simple), as this test JVM found them. */
    private static List<Path> weft;

    private static Path consumer;

    @BeforeAll
    static void compileConsumer() throws Exception {
        weft = List.of(
                locationOf(GoScheduler.class),
                locationOf(Chan.class),
                locationOf(Class.forName("org.slf4j.Logger")),
                locationOf(Class.forName("org.slf4j.simple.SimpleServiceProvider")));
        consumer = dir.resolve("consumer-classes");
        String errors = javac("consumer", consumer);
        assertEquals("", errors, "the consumer module must compile against weft's modules");
    }

    @Test
    void moduleDescriptorsExportTheApiOnly() {
        ModuleDescriptor scheduler = descriptorOf(GoScheduler.class, "dev.weft.scheduler");
        assertEquals(
                Map.of(
                        "dev.weft.scheduler",
                        Set.of(),
                        "dev.weft.scheduler.internal",
                        Set.of("dev.weft.channels", "dev.weft.agent")),
                exportsOf(scheduler));
        assertTrue(
                scheduler.packages().contains("dev.weft.scheduler.engine"),
                scheduler.packages().toString());
        assertTrue(scheduler.opens().isEmpty(), "nothing is open for deep reflection: " + scheduler.opens());
        assertTrue(scheduler.requires().stream().anyMatch(r -> r.name().equals("org.slf4j")), scheduler.toString());

        ModuleDescriptor channels = descriptorOf(Chan.class, "dev.weft.channels");
        assertEquals(Map.of("dev.weft.channels", Set.of()), exportsOf(channels));
        assertTrue(
                channels.requires().stream()
                        .anyMatch(r -> r.name().equals("dev.weft.scheduler")
                                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)),
                channels.toString());
    }

    @Test
    void anotherModuleCannotCompileAgainstTheEngineOrInternal() throws Exception {
        String errors = javac("peek", dir.resolve("peek-classes"));
        assertTrue(errors.contains("package dev.weft.scheduler.engine is not visible"), errors);
        assertTrue(errors.contains("package dev.weft.scheduler.internal is not visible"), errors);
    }

    @Test
    void runsOnTheModulePathWithTheOpensFlagForTheModule() throws Exception {
        Run run = java(
                OPENS_TO_MODULE.split(" ")[0],
                OPENS_TO_MODULE.split(" ")[1],
                "--module-path",
                modulePath(),
                "--module",
                "consumer/consumer.Main");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("weft is in module dev.weft.scheduler\n"), run.output());
        assertWorks(run.output());
    }

    @Test
    void withoutTheFlagOnTheModulePathTheErrorNamesTheFlagForTheModule() throws Exception {
        Run run = java("--module-path", modulePath(), "--module", "consumer/consumer.Main");
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("needs the JVM flag " + OPENS_TO_MODULE + " "), run.output());
        assertFalse(run.output().contains("ALL-UNNAMED"), run.output());
    }

    @Test
    void theClassPathFlagOnTheModulePathIsNotEnoughAndTheErrorSaysWhy() throws Exception {
        Run run = java(
                OPENS_TO_UNNAMED.split(" ")[0],
                OPENS_TO_UNNAMED.split(" ")[1],
                "--module-path",
                modulePath(),
                "--module",
                "consumer/consumer.Main");
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("needs the JVM flag " + OPENS_TO_MODULE + " "), run.output());
        assertTrue(
                run.output()
                        .contains("java.lang is open to ALL-UNNAMED only (the class path's form of the flag), but"
                                + " weft runs on the module path, as module dev.weft.scheduler."),
                run.output());
    }

    @Test
    void runsOnTheClassPathWithTheOpensFlagForAllUnnamed() throws Exception {
        Run run = java(
                OPENS_TO_UNNAMED.split(" ")[0], OPENS_TO_UNNAMED.split(" ")[1], "-cp", classPath(), "consumer.Main");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("weft is in unnamed module"), run.output());
        assertWorks(run.output());
    }

    @Test
    void withoutTheFlagOnTheClassPathTheErrorNamesTheFlagForAllUnnamed() throws Exception {
        Run run = java("-cp", classPath(), "consumer.Main");
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("needs the JVM flag " + OPENS_TO_UNNAMED + " "), run.output());
        assertFalse(run.output().contains("=dev.weft.scheduler"), run.output());
    }

    /** What the consumer prints when everything it tries works, on either path. */
    private static void assertWorks(String output) {
        assertTrue(output.matches("(?s).*\nselect: sum=5050 on (weft-\\d+) \\(\\1\\)\n.*"), output);
        assertTrue(output.contains("\nparked goroutines: 1 WAITING\n"), output);
        assertTrue(output.contains("\nno goroutine left\n"), output);
        assertTrue(output.contains("\njmx gomaxprocs=2\n"), output);
        assertTrue(output.contains("\njfr resize events=1\n"), output);
        assertTrue(output.endsWith("\ndone\n"), output);
        assertFalse(output.contains("WARN"), output);
    }

    private static String modulePath() {
        return Stream.concat(weft.stream(), Stream.of(consumer))
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String classPath() {
        return modulePath(); // the same jars and directories: on the class path module-info is ignored
    }

    /** Compiles test resources {@code module-path/<name>} as a module; returns javac's errors, or "". */
    private static String javac(String name, Path out) throws IOException, URISyntaxException {
        Path sources =
                Path.of(ModulePathTest.class.getResource("/module-path/" + name).toURI());
        List<String> args = new ArrayList<>(List.of(
                "-d",
                out.toString(),
                "--module-path",
                weft.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        ToolProvider javac = ToolProvider.findFirst("javac")
                .orElseThrow(
                        () -> new AssertionError("no javac in this JDK (" + System.getProperty("java.home") + ")"));
        StringWriter errors = new StringWriter();
        int status;
        try (PrintWriter err = new PrintWriter(errors)) {
            status = javac.run(err, err, args.toArray(String[]::new));
        }
        assertEquals(status == 0, errors.toString().isEmpty(), errors.toString());
        return errors.toString();
    }

    private record Run(int exit, String output) {}

    /** Runs a child JVM with {@code args}, stdout and stderr together, within 2 minutes. */
    private static Run java(String... args) throws Exception {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-ea"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return p.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                r -> Thread.ofPlatform().daemon(true).name("module-path-child").start(r));
        boolean exited = p.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(exited, "child JVM " + cmd + " did not exit within 2 minutes, killed:\n" + output);
        return new Run(p.exitValue(), output.replace("\r\n", "\n"));
    }

    private static ModuleDescriptor descriptorOf(Class<?> c, String name) {
        return ModuleFinder.of(locationOf(c))
                .find(name)
                .orElseThrow(() -> new AssertionError(locationOf(c) + " holds no module " + name))
                .descriptor();
    }

    private static Map<String, Set<String>> exportsOf(ModuleDescriptor d) {
        Map<String, Set<String>> exports = new TreeMap<>();
        d.exports().forEach(e -> exports.put(e.source(), e.targets()));
        return exports;
    }

    private static Path locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent beside weft on the module path: an application module ({@code app}, test resources
 * {@code module-path/app}) requires {@code dev.weft.scheduler} from the module path and runs under
 * {@code -javaagent:weft-agent.jar}. The application class loader then loads weft's classes from
 * the named module, not from the agent jar (an unnamed module, as every agent), so the agent
 * exports {@code dev.weft.scheduler.internal} to itself and opens {@code java.lang} to the module:
 * no {@code --add-opens} needed, plain virtual threads on {@code weft-global}.
 */
class AgentModulePathIT {
    @TempDir
    Path dir;

    @Test
    void anApplicationModuleWithWeftOnTheModulePathRunsOnWeftWithoutAddOpens() throws Exception {
        String modulePath = Stream.of("dev.weft.scheduler", "org.slf4j", "org.slf4j.simple")
                .map(AgentModulePathIT::onClassPath)
                .collect(Collectors.joining(File.pathSeparator));
        Path app = dir.resolve("app");
        Path sources =
                Path.of(AgentModulePathIT.class.getResource("/module-path/app").toURI());
        List<String> javac = new ArrayList<>(List.of("-d", app.toString(), "--module-path", modulePath));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> javac.add(f.toString()));
        }
        StringWriter errors = new StringWriter();
        int status;
        try (PrintWriter err = new PrintWriter(errors)) {
            status = ToolProvider.findFirst("javac").orElseThrow().run(err, err, javac.toArray(String[]::new));
        }
        assertEquals(0, status, errors.toString());

        String out = AgentJvm.run(
                        null,
                        List.of(
                                "-javaagent:" + AgentJvm.agentJar(),
                                "-Dgomaxprocs=2",
                                "--module-path",
                                modulePath + File.pathSeparator + app,
                                "--module",
                                "app/app.Main"),
                        null)
                .ok();
        assertTrue(out.contains("weft is in module dev.weft.scheduler\n"), out);
        assertTrue(
                out.matches("(?s).*ofVirtual VirtualThread\\[.*@weft-global-carrier-\\d+ scheduler weft-global\n.*"),
                out);
        assertTrue(out.matches("(?s).*go on weft-\\d+\n.*"), out);
    }

    /** The entry of this JVM's class path that holds module {@code name} (not the agent jar's copy). */
    private static String onClassPath(String name) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> ModuleFinder.of(Path.of(e)).find(name).isPresent())
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no module " + name + " on " + System.getProperty("java.class.path")));
    }
}

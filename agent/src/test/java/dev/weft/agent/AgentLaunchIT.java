package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other ways the agent starts: an executable jar's {@code Launcher-Agent-Class}, a late attach
 * (after virtual threads were used), and beside another agent that retransforms
 * {@code VirtualThread} after weft's.
 */
class AgentLaunchIT {
    static final String WEFT = AgentBehaviourIT.WEFT;
    static final String JDK = AgentBehaviourIT.JDK;

    @TempDir
    Path dir;

    /** A jar at {@code jar} with the manifest {@code attributes} and these test classes in it. */
    static Path jar(Path jar, Map<String, String> attributes, Class<?>... classes) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, m)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                out.write(Files.readAllBytes(Path.of(AgentJvm.testClasses()).resolve(entry)));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** {@code java -jar it.jar}: Main-Class CarrierNames, Launcher-Agent-Class weft's, Class-Path to weft-agent.jar. */
    AgentJvm.Result launcherAgentJar(String classPath, boolean canRetransform) throws Exception {
        Map<String, String> manifest = new java.util.LinkedHashMap<>(Map.of(
                "Main-Class",
                CarrierNames.class.getName(),
                "Launcher-Agent-Class",
                "dev.weft.agent.WeftAgent",
                "Class-Path",
                classPath));
        if (canRetransform) {
            manifest.put("Can-Retransform-Classes", "true");
        }
        Path it = jar(dir.resolve("it.jar"), manifest, CarrierNames.class);
        return AgentJvm.run(null, List.of("-Dgomaxprocs=2", "-jar", it.toString()), null);
    }

    @ParameterizedTest(name = "Class-Path: {0}")
    @ValueSource(strings = {"relative", "absolute file URL"})
    void anExecutableJarWithLauncherAgentClassRunsOnWeft(String how) throws Exception {
        String classPath;
        if (how.equals("relative")) {
            Files.copy(AgentJvm.agentJar(), dir.resolve("weft-agent.jar"));
            classPath = "weft-agent.jar";
        } else {
            classPath = AgentJvm.agentJar().toUri().toString();
        }
        String out = launcherAgentJar(classPath, true).ok();
        AgentBehaviourIT.onWeft(out, "ofVirtual");
        AgentBehaviourIT.onWeft(out, "executor");
        assertTrue(out.lines().noneMatch(l -> l.startsWith("weft-agent:")), "a warning for a start-up agent:\n" + out);
    }

    @Test
    void anExecutableJarWithoutCanRetransformClassesIsToldToAddIt() throws Exception {
        AgentJvm.Result r =
                launcherAgentJar(AgentJvm.agentJar().toUri().toString(), false).noCrash();
        assertEquals(1, r.exitCode(), r.output());
        List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.output());
        assertTrue(
                lines.getFirst().startsWith("weft-agent: ")
                        && lines.getFirst().contains("it.jar")
                        && lines.getFirst().contains("Can-Retransform-Classes: true"),
                r.output());
    }

    @Test
    void aLateAttachMovesOnlyVirtualThreadsCreatedAfterIt() throws Exception {
        String out = AgentJvm.withoutAgent(
                        LateAttachSelf.class,
                        List.of("-Djdk.attach.allowAttachSelf=true", "-Dgomaxprocs=2"),
                        AgentJvm.agentJar().toString())
                .ok();
        assertTrue(AgentBehaviourIT.line(out, "before").matches(".*" + JDK + ".*"), out);
        assertTrue(AgentBehaviourIT.line(out, "old-after").matches(".*" + JDK + ".*"), out);
        AgentBehaviourIT.onWeft(out, "after");
        List<String> warnings =
                out.lines().filter(l -> l.startsWith("weft-agent:")).toList();
        assertEquals(1, warnings.size(), out);
        assertTrue(warnings.getFirst().contains("only virtual threads created from now on run on weft"), out);
    }

    @Test
    void anotherAgentRetransformingVirtualThreadAfterWeftsKeepsWeft() throws Exception {
        Path other = jar(
                dir.resolve("other.jar"),
                Map.of("Premain-Class", RetransformingAgent.class.getName(), "Can-Retransform-Classes", "true"),
                RetransformingAgent.class);
        String out = AgentJvm.withAgent(CarrierNames.class, List.of("-Dgomaxprocs=2", "-javaagent:" + other))
                .ok();
        assertTrue(out.contains("other agent retransformed java.lang.VirtualThread"), out);
        AgentBehaviourIT.onWeft(out, "ofVirtual");
        AgentBehaviourIT.onWeft(out, "executor");
    }

    @Test
    void anotherAgentBeforeWeftsThatInitialisesVirtualThreadGetsTheLateAttachWarning() throws Exception {
        Path other = jar(
                dir.resolve("other.jar"),
                Map.of("Premain-Class", RetransformingAgent.class.getName(), "Can-Retransform-Classes", "true"),
                RetransformingAgent.class);
        String out = AgentJvm.run(
                        AgentJvm.testClasses(),
                        List.of("-javaagent:" + other, "-javaagent:" + AgentJvm.agentJar(), "-Dgomaxprocs=2"),
                        CarrierNames.class.getName())
                .ok();
        AgentBehaviourIT.onWeft(out, "ofVirtual"); // created from main after the agent: weft's
        List<String> warnings =
                out.lines().filter(l -> l.startsWith("weft-agent:")).toList();
        assertEquals(1, warnings.size(), out);
        assertTrue(
                warnings.getFirst().contains("only virtual threads created from now on run on weft")
                        && warnings.getFirst().contains("before any other -javaagent"),
                out);
    }

    /** The one {@code weft-agent:} line, which says the second start changed nothing. */
    static void secondStartIsANote(String out) {
        List<String> notes =
                out.lines().filter(l -> l.startsWith("weft-agent:")).toList();
        assertEquals(1, notes.size(), out);
        assertTrue(
                notes.getFirst().contains("already started in this JVM")
                        && notes.getFirst().contains("changes nothing"),
                out);
    }

    @Test
    void theAgentGivenTwiceStartsOnce() throws Exception {
        String out = AgentJvm.withAgent(
                        CarrierNames.class, List.of("-javaagent:" + AgentJvm.agentJar(), "-Dgomaxprocs=2"))
                .ok();
        AgentBehaviourIT.onWeft(out, "ofVirtual");
        secondStartIsANote(out);
    }

    @Test
    void theAgentInJavaToolOptionsAndOnTheCommandLineStartsOnce() throws Exception {
        List<String> cmd = List.of(
                AgentJvm.java(),
                "-cp",
                AgentJvm.testClasses(),
                "-javaagent:" + AgentJvm.agentJar(),
                CarrierNames.class.getName());
        String out = AgentJvm.exec(cmd, Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + AgentJvm.agentJar()), false)
                .ok();
        AgentBehaviourIT.onWeft(out, "executor");
        secondStartIsANote(out);
    }

    @Test
    void attachingTheAgentToAJvmThatRunsItChangesNothing() throws Exception {
        String out = AgentJvm.withAgent(
                        LateAttachSelf.class,
                        List.of("-Djdk.attach.allowAttachSelf=true", "-Dgomaxprocs=2"),
                        AgentJvm.agentJar().toString())
                .ok();
        AgentBehaviourIT.onWeft(out, "before");
        AgentBehaviourIT.onWeft(out, "old-after");
        AgentBehaviourIT.onWeft(out, "after");
        secondStartIsANote(out);
    }
}

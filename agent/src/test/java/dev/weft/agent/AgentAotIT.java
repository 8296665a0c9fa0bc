package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class archives and the agent (building an AOT cache with a patching agent crashed JDK 25.0.3):
 * while an archive is dumped the agent patches nothing and says so; a later run that uses the
 * archive runs its virtual threads on weft.
 */
class AgentAotIT {
    private static final String SKIPPED = "weft-agent: a CDS archive or AOT cache is being made in this run";
    private static final String ON_WEFT =
            "(?s).*ofVirtual VirtualThread\\[#\\d+\\]/runnable@weft-global-carrier-\\d+.*";
    private static final String ON_JDK =
            "(?s).*ofVirtual VirtualThread\\[#\\d+\\]/runnable@ForkJoinPool-\\d+-worker-\\d+.*";

    @TempDir
    Path tmp;

    /**
     * {@link CarrierNames} in a jar: the JVM archives classes from jars only (a non-empty
     * directory on the class path fails the dump).
     */
    private String programJar() throws Exception {
        Path jar = tmp.resolve("program.jar");
        String entry = CarrierNames.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(Path.of(AgentJvm.testClasses(), entry)));
            j.closeEntry();
        }
        return jar.toString();
    }

    /** {@code java -cp program.jar -javaagent:weft-agent.jar flags CarrierNames}. */
    private AgentJvm.Result run(String jar, List<String> flags) throws Exception {
        List<String> all = new ArrayList<>();
        all.add("-javaagent:" + AgentJvm.agentJar());
        all.addAll(flags);
        return AgentJvm.run(jar, all, CarrierNames.class.getName());
    }

    /** JEP 483/514: {@code -XX:AOTCacheOutput} (training and assembly in one command), then {@code -XX:AOTCache}. */
    @Test
    void aotCacheTrainingRunAndARunWithTheCache() throws Exception {
        Path aot = tmp.resolve("app.aot");
        String jar = programJar();
        String training = run(jar, List.of("-XX:AOTCacheOutput=" + aot)).ok();
        assertTrue(training.contains(SKIPPED), training);
        assertTrue(training.matches(ON_JDK), "the training run stays on the JDK's scheduler:\n" + training);
        assertTrue(training.contains("AOTCache creation is complete"), training);
        assertTrue(Files.size(aot) > 0, training);

        String run = run(jar, List.of("-XX:AOTCache=" + aot, "-Xlog:aot")).ok();
        assertTrue(run.contains("Using AOT-linked classes: true"), "the JVM used the cache:\n" + run);
        assertTrue(run.matches(ON_WEFT), run);
        assertTrue(!run.contains(SKIPPED), run);
    }

    /**
     * The old way, a dynamic CDS archive: the JVM itself refuses to dump one with an agent unless
     * {@code -XX:+AllowArchivingWithJavaAgent} (a diagnostic flag, also needed to use it).
     */
    @Test
    void dynamicCdsArchiveDumpAndUse() throws Exception {
        Path jsa = tmp.resolve("app.jsa");
        String jar = programJar();
        List<String> allow = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent");
        List<String> dump = new ArrayList<>(allow);
        dump.add("-XX:ArchiveClassesAtExit=" + jsa);
        String dumped = run(jar, dump).ok();
        assertTrue(dumped.contains(SKIPPED), dumped);
        assertTrue(dumped.matches(ON_JDK), dumped);
        assertTrue(Files.size(jsa) > 0, dumped);

        List<String> use = new ArrayList<>(allow);
        use.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds"));
        String run = run(jar, use).ok();
        assertTrue(run.contains("Mapped dynamic region"), "the JVM used the archive:\n" + run);
        assertTrue(run.matches(ON_WEFT), run);
    }
}

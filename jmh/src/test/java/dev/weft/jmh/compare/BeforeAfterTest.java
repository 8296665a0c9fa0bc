package dev.weft.jmh.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.jmh.compare.BeforeAfterTable.Verdict;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The before/after run's parts that don't need a JMH run: options, verdicts, the table, the jar check. */
class BeforeAfterTest {
    private static final Workload PINGPONG = new Workload(
            "ping-pong", "round trip", "ChannelBenchmark.pingPong", Map.of(), true, true, "pingpong 10000", true);
    private static final Workload SIEVE =
            new Workload("sieve", "prime", "ChannelBenchmark.sieve", Map.of(), true, true, "sieve 3000", true);

    @Test
    void overlappingIntervalsAreWithinError() {
        assertEquals(Verdict.WITHIN, Verdict.of(new Score(100, 10), new Score(115, 6)));
        assertEquals(Verdict.WITHIN, Verdict.of(new Score(100, 10), new Score(85, 5)));
        assertEquals(Verdict.WITHIN, Verdict.of(new Score(100, 10), new Score(120, 10))); // they touch at 110
        assertEquals(Verdict.WITHIN, Verdict.of(new Score(100, 0), new Score(100, 0)));
    }

    @Test
    void apartIntervalsAreBetterOrWorseByWhichIsFaster() {
        assertEquals(Verdict.WORSE, Verdict.of(new Score(100, 10), new Score(121, 10)));
        assertEquals(Verdict.BETTER, Verdict.of(new Score(100, 10), new Score(79, 10)));
        // a big error on one side alone does not hide a difference the other side's interval shows
        assertEquals(Verdict.WORSE, Verdict.of(new Score(100, 1), new Score(300, 150)));
        assertEquals(Verdict.WITHIN, Verdict.of(new Score(100, 1), new Score(300, 200)));
    }

    @Test
    void aMissingSideOrErrorHasNoVerdict() {
        assertEquals(Verdict.NOT_RUN, Verdict.of(null, new Score(100, 10)));
        assertEquals(Verdict.NOT_RUN, Verdict.of(new Score(100, 10), null));
        assertEquals(Verdict.NO_ERROR, Verdict.of(new Score(100, Double.NaN), new Score(500, 1)));
    }

    @Test
    void theTableShowsRatiosAndVerdicts() {
        BeforeAfterTable t = new BeforeAfterTable(2, "b6fc592", "HEAD 1e9a526");
        t.add(PINGPONG, new Score(400, 10), new Score(500, 20));
        t.add(SIEVE, new Score(1000, 100), null);
        assertEquals(1.25, t.rows().get(0).ratio());
        assertTrue(Double.isNaN(t.rows().get(1).ratio()));
        assertEquals(
                List.of(PINGPONG),
                t.worse().stream().map(BeforeAfterTable.Row::workload).toList());
        String md = t.markdown();
        assertTrue(
                md.startsWith("| workload | op | b6fc592 (base) | HEAD 1e9a526 (head) | head / base | verdict |\n"),
                md);
        assertTrue(md.contains("| ping-pong | round trip | 400 ± 10.0 | 500 ± 20.0 | 1.25x | **WORSE** |\n"), md);
        assertTrue(md.contains("| sieve | prime | 1,000 ± 100 | not run |  | not run |\n"), md);
        String text = t.text();
        assertTrue(text.lines().anyMatch(l -> l.startsWith("ping-pong") && l.endsWith("1.25x  WORSE")), text);
    }

    @Test
    void optionsHaveDefaultsPerModeAndShareCompares() {
        BeforeAfter.Options shortRun = BeforeAfter.parse(new String[] {"--base", "a.jar", "--head", "b.jar"});
        assertEquals(Compare.Mode.SHORT, shortRun.compare().mode());
        assertEquals(List.of(2), shortRun.compare().gomaxprocs());
        assertEquals(
                List.of(2, 2, 3, 500),
                List.of(shortRun.forks(), shortRun.warmup(), shortRun.iterations(), shortRun.timeMillis()));
        assertEquals(Path.of("docs"), shortRun.compare().docs());
        BeforeAfter.Options full = BeforeAfter.parse(new String[] {
            "--mode",
            "full",
            "--base",
            "a.jar",
            "--head",
            "b.jar",
            "--base-name",
            "b6fc592",
            "--only",
            "sieve",
            "--forks",
            "4",
            "--time",
            "200"
        });
        assertEquals(List.of(1, 2), full.compare().gomaxprocs());
        assertEquals(List.of(4, 5, 5, 200), List.of(full.forks(), full.warmup(), full.iterations(), full.timeMillis()));
        assertEquals("b6fc592", full.baseName());
        assertEquals(Path.of("a.jar"), full.base());
        assertEquals(
                List.of("ChannelBenchmark.sieve"),
                full.compare().workloads().stream().map(Workload::benchmark).toList());
        BeforeAfter.Options list = BeforeAfter.parse(new String[] {"--list", "--only", "select"});
        assertTrue(list.list());
        assertEquals(2, list.compare().workloads().size());
        assertFalse(
                BeforeAfter.parse(new String[] {"--list"}).compare().workloads().isEmpty());
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertMessage("--base JAR and --head JAR are both needed (the two benchmarks.jar)", "--base", "a.jar");
        assertMessage("--forks takes an integer from 1 to 1000, got '0'", "--forks", "0");
        assertMessage("--warmup takes an integer from 0 to 1000, got 'x'", "--warmup", "x");
        assertMessage("--time needs a value", "--time");
        assertMessage("--go is jmh/compare's: before-after runs weft only, no Go", "--go", "go.txt");
        assertMessage("--mode must be short or full, got 'long'", "--list", "--mode", "long");
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> BeforeAfter.parse(new String[] {"--list", "--fast", "1"}))
                .getMessage()
                .startsWith("unknown option --fast"));
    }

    @Test
    void theJarsMustExistAndShareAJmhVersion(@TempDir Path dir) throws Exception {
        Path a = jar(dir.resolve("a.jar"), "1.37");
        Path b = jar(dir.resolve("b.jar"), "1.36");
        Path c = jar(dir.resolve("c.jar"), "1.37");
        assertEquals("1.37", BeforeAfter.jmhVersion(a));
        BeforeAfter.checkJars(options(a, c));
        String differ = assertThrows(IllegalArgumentException.class, () -> BeforeAfter.checkJars(options(a, b)))
                .getMessage();
        assertTrue(
                differ.startsWith(
                        "the two jars have different JMH versions (base " + a + ": 1.37, head " + b + ": 1.36)"),
                differ);
        Path missing = dir.resolve("missing.jar");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BeforeAfter.checkJars(options(missing, a)))
                .getMessage()
                .startsWith("no such jar: " + missing));
    }

    private static BeforeAfter.Options options(Path base, Path head) {
        return BeforeAfter.parse(new String[] {"--base", base.toString(), "--head", head.toString()});
    }

    private static Path jar(Path file, String jmhVersion) throws Exception {
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new ZipEntry("META-INF/maven/org.openjdk.jmh/jmh-core/pom.properties"));
            jar.write(("version=" + jmhVersion + "\ngroupId=org.openjdk.jmh\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    private static void assertMessage(String message, String... args) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> BeforeAfter.parse(args))
                        .getMessage());
    }
}

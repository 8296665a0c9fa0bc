package dev.weft.jmh.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's parts that don't need a JMH run: options, Go figures, the table and chart. */
class CompareTest {
    private static final Workload PINGPONG = new Workload(
            "ping-pong", "round trip", "ChannelBenchmark.pingPong", Map.of(), true, true, "pingpong 10000", true);
    private static final Workload SELECT =
            new Workload("select", "value", "SelectBenchmark.select2", Map.of(), true, false, "select 100000", true);
    private static final Workload YIELD =
            new Workload("yield", "yield", "SchedulerBenchmark.yieldStorm", Map.of(), false, true, null, false);

    @Test
    void goResultsParseWhatTheScriptWrites() {
        GoResults go = GoResults.parse(List.of(
                "# go version go1.19.8 linux/amd64",
                "2 go pingpong 10000 median 4.9 ms 492.0 ns/op",
                "1 go pingpong 10000 median 2.0 ms 200.5 ns/op",
                ""));
        assertEquals("go1.19.8 linux/amd64", go.version());
        assertEquals(492.0, go.score("pingpong 10000", 2).orElseThrow().nanos());
        assertEquals(200.5, go.score("pingpong 10000", 1).orElseThrow().nanos());
        assertTrue(go.score("pingpong 10000", 4).isEmpty());
        assertTrue(go.score("skynet 1000000", 2).isEmpty());
        assertTrue(go.score(null, 2).isEmpty());
    }

    @Test
    void aGoLineThatIsNotAResultIsNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GoResults.parse(List.of("panic: bad skynet sum")));
        assertTrue(e.getMessage().contains("'panic: bad skynet sum'"), e.getMessage());
    }

    @Test
    void ratiosAreEachColumnsTimeOverWefts() {
        ComparisonTable t = new ComparisonTable(2);
        t.put(PINGPONG, Column.WEFT, new Score(400, 10));
        t.put(PINGPONG, Column.JDK, new Score(800, 20));
        t.put(PINGPONG, Column.JOX, new Score(300, 5));
        t.put(PINGPONG, Column.GO, new Score(200, Double.NaN));
        ComparisonTable.Row row = t.rows().getFirst();
        assertEquals(2.0, row.ratio(Column.JDK).orElseThrow());
        assertEquals(0.75, row.ratio(Column.JOX).orElseThrow());
        assertEquals(0.5, row.ratio(Column.GO).orElseThrow());
        assertEquals(List.of("behind jox", "2.00x Go"), row.misses());
    }

    @Test
    void withinTheGoTargetIsNoMiss() {
        ComparisonTable t = new ComparisonTable(2);
        t.put(PINGPONG, Column.WEFT, new Score(129, 1));
        t.put(PINGPONG, Column.GO, new Score(100, Double.NaN));
        t.put(YIELD, Column.WEFT, new Score(500, 1));
        t.put(YIELD, Column.GO, new Score(100, Double.NaN)); // no Go target on this row
        assertEquals(List.of(), t.rows().get(0).misses());
        assertEquals(List.of(), t.rows().get(1).misses());
    }

    @Test
    void markdownShowsMissingAndInapplicableColumnsApart() {
        ComparisonTable t = new ComparisonTable(2);
        t.put(SELECT, Column.WEFT, new Score(250, 12.5));
        t.put(SELECT, Column.JOX, new Score(1000, 100));
        String md = t.markdown();
        assertTrue(
                md.contains(
                        "| select | value | 250 ± 12.5 | — | — | not run | 1,000 ± 100 | not run |  | 4.00x |  |  |  |  |"),
                md);
        assertTrue(t.text().contains("select"));
    }

    @Test
    void dropInColumnsAreComparedWithTheSameCodeOnTheJdksScheduler() {
        ComparisonTable t = new ComparisonTable(2);
        t.put(PINGPONG, Column.WEFT, new Score(400, 10));
        t.put(PINGPONG, Column.JDK_ON_WEFT, new Score(500, 10));
        t.put(PINGPONG, Column.JDK, new Score(1000, 20));
        t.put(PINGPONG, Column.JOX_ON_WEFT, new Score(600, 10));
        t.put(PINGPONG, Column.JOX, new Score(500, 5));
        t.put(YIELD, Column.WEFT, new Score(100, 1));
        t.put(YIELD, Column.JDK_ON_WEFT, new Score(90, 1));
        t.put(YIELD, Column.JDK, new Score(120, 1));
        ComparisonTable.Row pingPong = t.rows().get(0);
        assertEquals(0.5, pingPong.dropInRatio(Column.JDK_ON_WEFT).orElseThrow());
        assertEquals(1.2, pingPong.dropInRatio(Column.JOX_ON_WEFT).orElseThrow(), 1e-9);
        assertEquals(List.of("jox on weft behind jox"), pingPong.misses());
        assertEquals(List.of(), t.rows().get(1).misses());
        assertTrue(t.rows().get(1).dropInRatio(Column.JOX_ON_WEFT).isEmpty()); // no jox on this row
        assertThrows(IllegalStateException.class, () -> pingPong.dropInRatio(Column.JDK));

        String md = t.markdown();
        assertTrue(
                md.startsWith(
                        "| workload | op | weft | JDK on weft | JDK default | jox on weft | jox | Go | JDK / weft "
                                + "| jox / weft | Go / weft | JDK on weft / JDK default | jox on weft / jox | weft behind |\n"),
                md);
        assertTrue(
                md.contains(
                        "| ping-pong | round trip | 400 ± 10.0 | 500 ± 10.0 | 1,000 ± 20.0 | 600 ± 10.0 | 500 ± 5.0 "
                                + "| not run | 2.50x | 1.25x |  | 0.50x | 1.20x | **jox on weft behind jox** |"),
                md);
        assertTrue(
                md.contains(
                        "| yield | yield | 100 ± 1.0 | 90.0 ± 1.0 | 120 ± 1.0 | — | — | — | 1.20x |  |  | 0.75x |  |  |"),
                md);
        String text = t.text();
        assertTrue(
                text.lines().findFirst().orElseThrow().contains("JDK on weft/JDK  jox on weft/jox  weft behind"), text);
        assertTrue(text.contains("0.50x            1.20x  jox on weft behind jox"), text);
    }

    @Test
    void theDropInColumnsRunUnchangedCodeUnderTheAgent() {
        for (Column c : Column.dropIns()) {
            assertTrue(c.dropIn());
            assertEquals("agent", c.scheduler);
            assertEquals(c.baseline().impl, c.impl);
            assertEquals("jdk", c.baseline().scheduler);
        }
        assertFalse(Column.WEFT.dropIn() || Column.JDK.dropIn() || Column.JOX.dropIn() || Column.GO.dropIn());
        assertTrue(YIELD.has(Column.JDK_ON_WEFT)); // the scheduler-only rows are unchanged JDK code too
        assertFalse(YIELD.has(Column.JOX_ON_WEFT));
        assertFalse(SELECT.has(Column.JDK_ON_WEFT));
        assertTrue(SELECT.has(Column.JOX_ON_WEFT));
        assertEquals(
                List.of(
                        "-javaagent:" + Path.of("weft-agent.jar").toAbsolutePath(),
                        "-Dgomaxprocs=3",
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED"),
                Compare.agentJvmArgs(Path.of("weft-agent.jar"), 3));
    }

    @Test
    void theAgentOptionNamesAMissingJarAndHowToBuildIt(@TempDir Path dir) throws Exception {
        assertEquals(Compare.DEFAULT_AGENT, Compare.parse(new String[0]).agent());
        Path missing = dir.resolve("no-agent.jar");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Compare.parse(new String[] {"--agent", missing.toString()})
                        .checkAgent());
        assertEquals(
                "--agent: no weft agent jar at " + missing + " (the drop-in columns run under it); build it with "
                        + "./weft mvn -B -q -pl agent -am package -DskipTests -Dweft.underAgent.skip=true, or give "
                        + "its path with --agent PATH",
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Compare.parse(new String[] {"--agent", dir.toString()}).checkAgent()); // a directory is no jar
        Path jar = Files.createFile(dir.resolve("weft-agent.jar"));
        Compare.Options o = Compare.parse(new String[] {"--agent", jar.toString(), "--mode", "full"});
        assertEquals(jar, o.agent());
        o.checkAgent();
        assertMessage("--agent needs a value (or is unknown)", "--agent");
    }

    @Test
    void theJdkClassesRowsAreUnchangedJdkCode() {
        List<Workload> rows = Workload.all().stream()
                .filter(w -> w.benchmark().startsWith("JdkClassesBenchmark."))
                .toList();
        assertEquals(
                List.of(
                        "JdkClassesBenchmark.lockCounter",
                        "JdkClassesBenchmark.completableFutures",
                        "JdkClassesBenchmark.exchanger",
                        "JdkClassesBenchmark.linkedBlockingQueue1x1",
                        "JdkClassesBenchmark.linkedBlockingQueue4x4"),
                rows.stream().map(Workload::benchmark).toList());
        for (Workload w : rows) {
            assertFalse(w.channels(), w.label());
            assertTrue(w.jdkHasIt() && w.has(Column.JDK_ON_WEFT) && !w.has(Column.JOX), w.label());
        }
        assertEquals(
                List.of("JdkClassesBenchmark.exchanger", "ChannelBenchmark.pingPong"),
                Compare.parse(new String[] {"--only", "Exchanger|ping-pong, unbuf"}).workloads().stream()
                        .map(Workload::benchmark)
                        .toList());
    }

    @Test
    void theChartIsAPng(@TempDir Path dir) throws Exception {
        ComparisonTable t = new ComparisonTable(2);
        t.put(PINGPONG, Column.WEFT, new Score(400, 10));
        t.put(PINGPONG, Column.JDK, new Score(800, 20));
        t.put(PINGPONG, Column.JDK_ON_WEFT, new Score(500, 20));
        t.put(SELECT, Column.WEFT, new Score(250, 12.5));
        t.put(SELECT, Column.JOX_ON_WEFT, new Score(300, 12.5));
        t.put(SELECT, Column.GO, new Score(100, Double.NaN));
        Path png = dir.resolve("chart.png");
        ComparisonChart.write(t, "test", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertTrue(image.getHeight() > 140);
    }

    @Test
    void optionsHaveDefaultsPerMode() {
        Compare.Options shortRun = Compare.parse(new String[0]);
        assertEquals(Compare.Mode.SHORT, shortRun.mode());
        assertEquals(List.of(2), shortRun.gomaxprocs());
        Compare.Options full = Compare.parse(new String[] {"--mode", "full"});
        assertEquals(List.of(1, 2), full.gomaxprocs());
        Compare.Options some = Compare.parse(new String[] {"--gomaxprocs", "1, 4", "--only", "sieve"});
        assertEquals(List.of(1, 4), some.gomaxprocs());
        assertEquals(
                List.of("ChannelBenchmark.sieve"),
                some.workloads().stream().map(Workload::benchmark).toList());
        assertFalse(Compare.parse(new String[] {"--go-workloads"}).workloads().isEmpty());
        assertEquals(
                List.of("16", "16"),
                shortRun.workloads().stream()
                        .filter(w -> w.params().containsKey("capacity"))
                        .map(w -> w.params().get("capacity"))
                        .toList());
        assertEquals(
                6,
                full.workloads().stream()
                        .filter(w -> w.params().containsKey("capacity"))
                        .count());
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertMessage("--mode must be short or full, got 'long'", "--mode", "long");
        assertMessage("--gomaxprocs takes integers from 1 to 1024, comma-separated, got 'abc'", "--gomaxprocs", "abc");
        assertMessage("--gomaxprocs takes integers from 1 to 1024, comma-separated, got '0'", "--gomaxprocs", "0");
        assertMessage("--mode needs a value (or is unknown)", "--mode");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Compare.parse(new String[] {"--fast", "1"}))
                .getMessage()
                .startsWith("unknown option --fast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Compare.parse(new String[] {"--only", "("}))
                .getMessage()
                .startsWith("--only takes a regular expression"));
        assertEquals(
                "--only 'nothing' matches no workload",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Compare.parse(new String[] {"--only", "nothing"})
                                        .workloads())
                        .getMessage());
    }

    @Test
    void everyGoWorkloadIsOneTheGoProgramKnows() throws Exception {
        String main = Files.readString(Path.of("go", "main.go"));
        for (Workload w : Workload.all()) {
            if (w.go() != null) {
                String name = w.go().split(" ")[0];
                boolean known = main.contains("case \"" + name + "\":")
                        || (name.matches("buffered\\dx\\d-\\d+") && main.contains("buffered%dx%d-%d"));
                assertTrue(known, "jmh/go/main.go has no workload " + name);
            }
        }
    }

    private static void assertMessage(String message, String... args) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> Compare.parse(args))
                        .getMessage());
    }

    /** The report replaces its own raw files only: jmh/http-load's figures in the same folder stay. */
    @Test
    void theReportKeepsRawFilesItDidNotWrite() {
        assertTrue(Report.isOurs(Path.of("docs/benchmarks-raw/weft-gomaxprocs1.json")));
        assertTrue(Report.isOurs(Path.of("docs/benchmarks-raw/go.txt")));
        assertFalse(Report.isOurs(Path.of("docs/benchmarks-raw/http-load.txt")));
    }
}

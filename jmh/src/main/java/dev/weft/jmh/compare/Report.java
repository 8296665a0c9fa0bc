package dev.weft.jmh.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the comparison under {@code docs/}: {@code benchmarks.md} (how it was run, a table per
 * gomaxprocs, where weft is behind), {@code benchmarks-gomaxprocsN.png} (the chart of each
 * table) and {@code benchmarks-raw/} (JMH's JSON and the Go figures, as measured).
 */
final class Report {
    private Report() {}

    /** A file of {@code benchmarks-raw/} that this report writes: JMH's JSON and the Go figures. */
    static boolean isOurs(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".json") || name.equals("go.txt");
    }

    static void write(Compare.Options o, List<ComparisonTable> tables, GoResults go) throws IOException {
        Path docs = o.docs();
        Path raw = docs.resolve("benchmarks-raw");
        Files.createDirectories(raw);
        try (Stream<Path> old = Files.list(raw)) {
            // only what this report writes: jmh/http-load's figures (http-load.txt) stay
            for (Path p : old.filter(Report::isOurs).toList()) {
                Files.delete(p);
            }
        }
        try (Stream<Path> json = Files.list(o.raw())) {
            for (Path p : json.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.copy(p, raw.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (o.go() != null && Files.exists(o.go())) {
            Files.copy(o.go(), raw.resolve("go.txt"), StandardCopyOption.REPLACE_EXISTING);
        }

        StringBuilder md = new StringBuilder();
        md.append("# weft benchmarks: side by side with the JDK default scheduler, jox and Go, and as a drop-in\n\n");
        md.append("Made by `jmh/compare`; do not edit by hand.\n\n");
        md.append("- Date: ").append(Compare.today()).append('\n');
        md.append("- Machine: ").append(Machine.describe()).append('\n');
        md.append("- JDK: ")
                .append(System.getProperty("java.vm.vendor"))
                .append(' ')
                .append(Runtime.version())
                .append('\n');
        md.append("- Go: ")
                .append(go.version() != null ? go.version() : "not run (go is not installed)")
                .append('\n');
        md.append("- Command: `")
                .append(o.command() != null ? o.command() : "jmh/compare")
                .append("` (")
                .append(
                        o.mode() == Compare.Mode.SHORT
                                ? "short mode: JMH 1 fork, 2 warm-up and 3 measured iterations of 0.5 s; buffered at capacity "
                                        + Compare.SHORT_CAPACITY + " only"
                                : "full mode: JMH 2 forks, 5 warm-up and 5 measured iterations of 1 s")
                .append("; Go: median of 5 runs)\n");
        md.append("- Raw figures: [benchmarks-raw/](benchmarks-raw/)\n\n");
        md.append("Columns: **weft** is weft's GoScheduler with weft's channels (the JDK's classes on the rows "
                + "without channels); **JDK default** is the JDK's default virtual-thread scheduler with the "
                + "JDK's queues (SynchronousQueue when unbuffered, ArrayBlockingQueue when buffered); **jox** is "
                + "jox 1.1.1's channels on the JDK's default scheduler; **JDK on weft** and **jox on weft** are "
                + "the drop-in columns: the same unchanged code as JDK default and jox (`Thread.ofVirtual()`), "
                + "on weft through its agent (`-javaagent:weft-agent.jar -Dgomaxprocs=N`, which also turns on "
                + "JVMTI's virtual-thread events, as any agent does); **Go** is the same workload in Go (`jmh/go`). "
                + "Figures are ns per op (lower is better) with JMH's 99.9% error. X / weft is that "
                + "column's time over weft's (above 1: weft is faster); JDK on weft / JDK default and "
                + "jox on weft / jox are the drop-in column's time over the same code's on the JDK's "
                + "scheduler (below 1: weft through the agent is faster). \"—\": no counterpart (the JDK "
                + "has no select; jox is channels only).\n\n");
        for (ComparisonTable t : tables) {
            String png = "benchmarks-gomaxprocs" + t.gomaxprocs() + ".png";
            ComparisonChart.write(
                    t,
                    "weft vs JDK (default and on weft), jox (default and on weft) and Go, gomaxprocs=" + t.gomaxprocs()
                            + " (time relative to weft)",
                    docs.resolve(png));
            md.append("## gomaxprocs=").append(t.gomaxprocs()).append("\n\n");
            md.append("Every column with ")
                    .append(t.gomaxprocs())
                    .append(" carrier(s): `-Dgomaxprocs` (weft, and the agent's), the JDK's "
                            + "`jdk.virtualThreadScheduler.parallelism`, Go's `GOMAXPROCS`.\n\n");
            md.append(t.markdown()).append('\n');
            md.append("![time relative to weft, gomaxprocs=")
                    .append(t.gomaxprocs())
                    .append("](")
                    .append(png)
                    .append(")\n\n");
            List<String> behind = new ArrayList<>();
            for (ComparisonTable.Row row : t.rows()) {
                if (!row.misses().isEmpty()) {
                    behind.add("- " + row.workload().label() + ": " + String.join(", ", row.misses()));
                }
            }
            md.append(
                    behind.isEmpty()
                            ? "weft meets every target at this gomaxprocs.\n\n"
                            : "Where weft misses a target (ahead of the JDK default and jox everywhere, the "
                                    + "drop-in columns ahead of the same code on the JDK's scheduler, within "
                                    + Workload.GO_TARGET + "x of Go on the Go workloads):\n\n"
                                    + String.join("\n", behind) + "\n\n");
        }
        Files.writeString(docs.resolve("benchmarks.md"), md.toString());
        System.out.println();
        System.out.println("wrote " + docs.resolve("benchmarks.md") + " and its charts");
    }

    /**
     * Writes {@code before-after.md} under {@code --docs}: how it was run, a table per gomaxprocs,
     * and the WORSE rows (or that there are none).
     */
    static void writeBeforeAfter(BeforeAfter.Options o, List<BeforeAfterTable> tables) throws IOException {
        Path docs = o.compare().docs();
        Files.createDirectories(docs);
        StringBuilder md = new StringBuilder();
        md.append("# weft before and after: ")
                .append(o.baseName())
                .append(" (base) against ")
                .append(o.headName())
                .append(" (head)\n\n");
        md.append("Made by `jmh/compare before-after`; do not edit by hand.\n\n");
        md.append("- Date: ").append(Compare.today()).append('\n');
        md.append("- Machine: ").append(Machine.describe()).append('\n');
        md.append("- JDK: ")
                .append(System.getProperty("java.vm.vendor"))
                .append(' ')
                .append(Runtime.version())
                .append('\n');
        md.append("- Command: `")
                .append(o.compare().command() != null ? o.compare().command() : "jmh/compare before-after")
                .append("` (")
                .append(BeforeAfter.settings(o))
                .append(")\n");
        md.append("- Raw figures: JMH's JSON and log of every fork in `")
                .append(o.compare().raw())
                .append("`\n\n");
        md.append("The weft column of `jmh/compare` (weft's channels on weft's GoScheduler) from each revision's "
                + "`benchmarks.jar`, in one run, the two sides' forks interleaved (base, head, base, head...) so that "
                + "the machine's noise hits both alike. Figures are ns per op (lower is better) with JMH's 99.9% "
                + "error over every measured iteration of the side's forks; head / base below 1 means head is "
                + "faster. Verdict: **within error** when the two intervals (score ± error) overlap, **better** "
                + "when they are apart and head is faster, **WORSE** when they are apart and head is slower.\n\n");
        List<String> worse = new ArrayList<>();
        for (BeforeAfterTable t : tables) {
            md.append("## gomaxprocs=").append(t.gomaxprocs()).append("\n\n");
            md.append(t.markdown()).append('\n');
            t.worse()
                    .forEach(r -> worse.add("- gomaxprocs=" + t.gomaxprocs() + ": "
                            + r.workload().label() + String.format(" (%.2fx)", r.ratio())));
        }
        md.append(
                worse.isEmpty()
                        ? "Every row is within its error or better.\n"
                        : "WORSE (head slower, the intervals apart):\n\n" + String.join("\n", worse) + "\n");
        Path file = docs.resolve("before-after.md");
        Files.writeString(file, md.toString());
        System.out.println();
        System.out.println(
                worse.isEmpty() ? "every row is within its error or better" : worse.size() + " row(s) WORSE");
        System.out.println("wrote " + file);
    }
}

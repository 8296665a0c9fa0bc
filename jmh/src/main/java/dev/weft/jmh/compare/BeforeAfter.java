package dev.weft.jmh.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * weft before and after a change, behind {@code jmh/compare before-after REV}: runs the weft
 * column of {@code jmh/compare}'s table (every {@link Workload}, weft's channels on weft's
 * scheduler) from two {@code benchmarks.jar}s, the base revision's and the head's, in one run,
 * prints a {@link BeforeAfterTable} per gomaxprocs and writes them to
 * {@code docs/before-after.md}.
 *
 * <p>The two sides are interleaved fork by fork (for each workload: base fork, head fork, base,
 * head...), so that the machine's noise hits both alike. This JVM (the head's jar) is JMH's host
 * for both: before each run it points {@code java.class.path}, which JMH gives its forked JVM, at
 * that side's jar, so the fork runs that revision's code. The two jars must therefore have the
 * same JMH version (checked). Each side's forks of a workload are merged as JMH merges forks (its
 * score and 99.9% error over every measured iteration of every fork).
 *
 * <pre>
 * java -cp head.jar dev.weft.jmh.compare.BeforeAfter --base base.jar --head head.jar
 *     [--base-name TEXT] [--head-name TEXT] [--forks N] [--warmup N] [--iterations N] [--time MS]
 *     [--mode short|full] [--gomaxprocs 1,2] [--only REGEX] [--docs docs] [--raw DIR] [--command TEXT]
 * java -cp head.jar dev.weft.jmh.compare.BeforeAfter --list [--mode ...] [--only REGEX]
 * </pre>
 *
 * The exit status is 2 on bad options and 0 otherwise, WORSE rows included: it is a report.
 */
public final class BeforeAfter {
    /** JMH's version in a jar, where the Maven build puts it. */
    private static final String JMH_POM = "META-INF/maven/org.openjdk.jmh/jmh-core/pom.properties";

    /**
     * What to run.
     *
     * @param compare the options shared with {@code jmh/compare}: mode, gomaxprocs, only, docs,
     *        raw (where the JSON and JMH's log of every fork go) and command
     * @param base the base revision's benchmarks.jar
     * @param head the head revision's benchmarks.jar
     * @param baseName the base's heading
     * @param headName the head's heading
     * @param forks forks per side and workload, 1 or more
     * @param warmup warm-up iterations per fork, 0 or more
     * @param iterations measured iterations per fork, 1 or more
     * @param timeMillis the length of every iteration, ms, 1 or more
     * @param list only print the workloads (checks the options)
     */
    record Options(
            Compare.Options compare,
            Path base,
            Path head,
            String baseName,
            String headName,
            int forks,
            int warmup,
            int iterations,
            int timeMillis,
            boolean list) {}

    private BeforeAfter() {}

    /** Runs the comparison (see the class comment); exit status 2 on bad options. */
    public static void main(String[] args) throws Exception {
        Options options;
        List<Workload> workloads;
        try {
            options = parse(args);
            workloads = options.compare().workloads();
            if (!options.list()) {
                checkJars(options);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("before-after: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.list()) {
            workloads.forEach(w -> System.out.println(w.label()));
            return;
        }
        List<BeforeAfterTable> tables = run(options, workloads);
        Report.writeBeforeAfter(options, tables);
    }

    /**
     * Parses the options above; those it does not know go to {@link Compare#parse}.
     *
     * @throws IllegalArgumentException naming the bad option or value
     */
    static Options parse(String[] args) {
        Path base = null;
        Path head = null;
        String baseName = "base";
        String headName = "head";
        Integer forks = null;
        Integer warmup = null;
        Integer iterations = null;
        Integer time = null;
        boolean list = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--list")) {
                list = true;
                continue;
            }
            if (arg.equals("--go") || arg.equals("--go-workloads")) {
                throw new IllegalArgumentException(arg + " is jmh/compare's: before-after runs weft only, no Go");
            }
            boolean ours = List.of(
                            "--base",
                            "--head",
                            "--base-name",
                            "--head-name",
                            "--forks",
                            "--warmup",
                            "--iterations",
                            "--time")
                    .contains(arg);
            if (!ours) {
                rest.add(arg);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--base" -> base = Path.of(value);
                case "--head" -> head = Path.of(value);
                case "--base-name" -> baseName = value;
                case "--head-name" -> headName = value;
                case "--forks" -> forks = count(arg, value, 1);
                case "--warmup" -> warmup = count(arg, value, 0);
                case "--iterations" -> iterations = count(arg, value, 1);
                case "--time" -> time = count(arg, value, 1);
                default -> throw new AssertionError(arg);
            }
        }
        Compare.Options compare = Compare.parse(rest.toArray(String[]::new));
        if (!list && (base == null || head == null)) {
            throw new IllegalArgumentException("--base JAR and --head JAR are both needed (the two benchmarks.jar)");
        }
        boolean full = compare.mode() == Compare.Mode.FULL;
        return new Options(
                compare,
                base,
                head,
                baseName,
                headName,
                forks != null ? forks : full ? 3 : 2,
                warmup != null ? warmup : full ? 5 : 2,
                iterations != null ? iterations : full ? 5 : 3,
                time != null ? time : full ? 1000 : 500,
                list);
    }

    private static int count(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " takes an integer from " + min + " to 1000, got '" + value + "'");
    }

    /**
     * Checks that both jars exist and have the same JMH version (this JVM hosts the forks of both).
     *
     * @throws IllegalArgumentException naming the jar that is missing or differs
     */
    static void checkJars(Options o) {
        String base = jmhVersion(o.base());
        String head = jmhVersion(o.head());
        if (!base.equals(head)) {
            throw new IllegalArgumentException("the two jars have different JMH versions (base " + o.base() + ": "
                    + base + ", head " + o.head() + ": " + head + "); one JMH hosts both, so compare revisions "
                    + "with the same jmh.version");
        }
    }

    /** The JMH version a benchmarks.jar was built with. */
    static String jmhVersion(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    "no such jar: " + jar + " (build it with ./weft mvn -B -q -pl jmh -am " + "package -DskipTests)");
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(JMH_POM);
            if (entry == null) {
                throw new IllegalArgumentException(jar + " has no " + JMH_POM + ": not a JMH benchmarks.jar");
            }
            Properties p = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    /** Both sides, workload by workload, fork by fork; a table per gomaxprocs. */
    static List<BeforeAfterTable> run(Options o, List<Workload> workloads) throws IOException, RunnerException {
        Files.createDirectories(o.compare().raw());
        String hostClassPath = System.getProperty("java.class.path");
        int total = o.compare().gomaxprocs().size() * workloads.size() * o.forks() * 2;
        System.err.printf(
                "== before-after: %d workload(s) x %d gomaxprocs x %d fork(s) x 2 sides = %d forks of "
                        + "%d+%d iterations of %d ms%n",
                workloads.size(),
                o.compare().gomaxprocs().size(),
                o.forks(),
                total,
                o.warmup(),
                o.iterations(),
                o.timeMillis());
        List<BeforeAfterTable> tables = new ArrayList<>();
        int done = 0;
        try {
            for (int procs : o.compare().gomaxprocs()) {
                BeforeAfterTable table = new BeforeAfterTable(procs, o.baseName(), o.headName());
                for (int w = 0; w < workloads.size(); w++) {
                    Workload workload = workloads.get(w);
                    Map<Side, List<BenchmarkResult>> forks =
                            Map.of(Side.BASE, new ArrayList<>(), Side.HEAD, new ArrayList<>());
                    BenchmarkParams params = null;
                    for (int fork = 1; fork <= o.forks(); fork++) {
                        for (Side side : Side.values()) {
                            System.setProperty(
                                    "java.class.path",
                                    side.jar(o).toAbsolutePath().toString());
                            String name = String.format(
                                    "%s-gomaxprocs%d-%02d-%s-fork%d",
                                    side.name().toLowerCase(), procs, w + 1, workload.benchmark(), fork);
                            Collection<RunResult> results =
                                    fork(o, workload, procs, o.compare().raw().resolve(name));
                            done++;
                            RunResult r = results.isEmpty()
                                    ? null
                                    : results.iterator().next();
                            if (r != null) {
                                params = r.getParams();
                                forks.get(side).addAll(r.getBenchmarkResults());
                            }
                            System.err.printf(
                                    "[%d/%d] gomaxprocs=%d %s, %s fork %d: %s%n",
                                    done,
                                    total,
                                    procs,
                                    workload.label(),
                                    side.name().toLowerCase(),
                                    fork,
                                    r == null
                                            ? "FAILED, see " + o.compare().raw().resolve(name + ".log")
                                            : score(r.getPrimaryResult()) + " ns/op");
                        }
                    }
                    table.add(workload, merged(params, forks.get(Side.BASE)), merged(params, forks.get(Side.HEAD)));
                }
                tables.add(table);
                System.out.println();
                System.out.println("gomaxprocs=" + procs + " (ns per op, lower is better; head/base below 1: head "
                        + "is faster):");
                System.out.print(table.text());
            }
        } finally {
            System.setProperty("java.class.path", hostClassPath);
        }
        return tables;
    }

    /** The two revisions. */
    private enum Side {
        BASE,
        HEAD;

        Path jar(Options o) {
            return this == BASE ? o.base() : o.head();
        }
    }

    /** One JMH fork of {@code workload}'s weft column; its JSON and log go to {@code out}.json and .log. */
    private static Collection<RunResult> fork(Options o, Workload workload, int procs, Path out)
            throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(workload.fullName()) + "$")
                .param("scheduler", Column.WEFT.scheduler)
                .param("impl", Column.WEFT.impl)
                .param("gomaxprocs", Integer.toString(procs))
                .forks(1)
                .warmupIterations(o.warmup())
                .warmupTime(TimeValue.milliseconds(o.timeMillis()))
                .measurementIterations(o.iterations())
                .measurementTime(TimeValue.milliseconds(o.timeMillis()))
                .shouldFailOnError(false)
                .verbosity(VerboseMode.NORMAL)
                .output(out + ".log")
                .resultFormat(ResultFormatType.JSON)
                .result(out + ".json");
        workload.params().forEach(b::param);
        boolean said = false;
        while (true) {
            try {
                return new Runner(b.build()).run();
            } catch (RunnerException e) {
                if (!String.valueOf(e.getMessage()).contains("JMH lock")) {
                    throw e;
                }
                if (!said) {
                    System.err.println("== waiting for another JMH run to finish (it holds /tmp/jmh.lock; "
                            + "JMH_IGNORE_LOCK=1 runs alongside it, noise and all)");
                    said = true;
                }
                sleepForLock();
            }
        }
    }

    private static void sleepForLock() throws RunnerException {
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted while waiting for the JMH lock", e);
        }
    }

    /** One side's forks merged as JMH merges forks; null when none ran. */
    private static Score merged(BenchmarkParams params, List<BenchmarkResult> forks) {
        if (forks.isEmpty()) {
            return null;
        }
        Result<?> r = new RunResult(params, forks).getPrimaryResult();
        return new Score(r.getScore(), r.getScoreError());
    }

    private static String score(Result<?> r) {
        return new Score(r.getScore(), r.getScoreError()).toString();
    }

    /** For the report: how each fork ran. */
    static String settings(Options o) {
        return o.forks() + " fork(s) per side, interleaved, each " + o.warmup() + " warm-up and " + o.iterations()
                + " measured iterations of " + o.timeMillis() + " ms"
                + (o.compare().mode() == Compare.Mode.SHORT
                        ? "; buffered at capacity " + Compare.SHORT_CAPACITY + " only"
                        : "");
    }
}

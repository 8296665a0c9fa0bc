package dev.weft.jmh.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The side-by-side comparison behind {@code jmh/compare}: runs every {@link Workload} on weft,
 * the JDK default scheduler and jox, and the drop-in columns (the JDK's queues and jox, unchanged,
 * on weft through its agent: {@link #agentJvmArgs}) (JMH, in this process's JDK, one fork per
 * benchmark), reads the Go figures the script measured, prints the table, and writes it as
 * Markdown with a bar chart per gomaxprocs under {@code docs/}.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.weft.jmh.compare.Compare [--mode short|full]
 *     [--gomaxprocs 1,2] [--go go.txt] [--only REGEX] [--docs docs] [--raw DIR] [--command TEXT]
 *     [--agent agent/target/weft-agent.jar]
 * java -cp jmh/target/benchmarks.jar dev.weft.jmh.compare.Compare --go-workloads
 * </pre>
 */
public final class Compare {
    /** How long the comparison runs: short (about 9 minutes on 2 idle cores) or full (about 2 hours). */
    enum Mode {
        SHORT,
        FULL
    }

    /** The one capacity of the buffered rows in the short mode (all of 1, 16 and 128 in the full one). */
    static final String SHORT_CAPACITY = "16";

    /** Where {@code --agent} looks by default, relative to the repository's root (where jmh/compare runs). */
    static final Path DEFAULT_AGENT = Path.of("agent", "target", "weft-agent.jar");

    /** How to build {@link #DEFAULT_AGENT}. */
    static final String BUILD_AGENT = "./weft mvn -B -q -pl agent -am package -DskipTests -Dweft.underAgent.skip=true";

    /**
     * The JVM arguments of a drop-in column's forks, the one place they are made: weft's agent
     * {@code agent} (weft's global scheduler becomes the JDK's default one) and {@code -Dgomaxprocs},
     * as a user runs it, plus the {@code --add-opens} of {@code OnScheduler}'s {@code @Fork}, which
     * JMH drops when the options append JVM arguments of their own. No JVMTI flags: with any agent
     * the JVM posts JVMTI's virtual-thread events (100-200 ns per park/unpark), and
     * {@code -XX:-DoJVMTIVirtualThreadTransitions}, which turns them off, hung the JVM here (see
     * the README's drop-in section), so the columns pay what a user pays.
     */
    static List<String> agentJvmArgs(Path agent, int gomaxprocs) {
        List<String> args = new ArrayList<>();
        args.add("-javaagent:" + agent.toAbsolutePath());
        args.add("-Dgomaxprocs=" + gomaxprocs);
        args.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        return args;
    }

    record Options(
            Mode mode,
            List<Integer> gomaxprocs,
            Path go,
            Pattern only,
            Path docs,
            Path raw,
            String command,
            boolean goWorkloads,
            Path agent) {
        /**
         * Throws unless {@link #agent} is a file: the drop-in columns run under it.
         *
         * @throws IllegalArgumentException naming the path and how to build the jar
         */
        void checkAgent() {
            if (!Files.isRegularFile(agent)) {
                throw new IllegalArgumentException("--agent: no weft agent jar at " + agent
                        + " (the drop-in columns run under it); build it with " + BUILD_AGENT
                        + ", or give its path with --agent PATH");
            }
        }

        /**
         * The workloads {@code --only} selects (all without it); the short mode runs the buffered
         * producer/consumer at capacity {@value #SHORT_CAPACITY} only.
         */
        List<Workload> workloads() {
            List<Workload> selected = Workload.all().stream()
                    .filter(w -> mode == Mode.FULL
                            || w.params()
                                    .getOrDefault("capacity", SHORT_CAPACITY)
                                    .equals(SHORT_CAPACITY))
                    .filter(w -> only == null
                            || only.matcher(w.label() + " " + w.benchmark()).find())
                    .toList();
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("--only '" + only + "' matches no workload");
            }
            return selected;
        }
    }

    private Compare() {}

    /** Runs the comparison (see the class comment for the options); exit status 2 on bad options. */
    public static void main(String[] args) throws Exception {
        Options options;
        List<Workload> workloads;
        try {
            options = parse(args);
            workloads = options.workloads();
            options.checkAgent(); // also before the Go side (--go-workloads): a bad --agent fails first
        } catch (IllegalArgumentException e) {
            System.err.println("compare: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.goWorkloads()) {
            workloads.stream()
                    .map(Workload::go)
                    .filter(g -> g != null)
                    .distinct()
                    .forEach(System.out::println);
            return;
        }
        run(options, workloads);
    }

    static Options parse(String[] args) {
        Mode mode = Mode.SHORT;
        List<Integer> gomaxprocs = null;
        Path go = null;
        Pattern only = null;
        Path docs = Path.of("docs");
        Path raw = Path.of("jmh", "target", "compare");
        String command = null;
        boolean goWorkloads = false;
        Path agent = DEFAULT_AGENT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--go-workloads")) {
                goWorkloads = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value (or is unknown)");
            }
            String value = args[++i];
            switch (arg) {
                case "--mode" ->
                    mode = switch (value) {
                        case "short" -> Mode.SHORT;
                        case "full" -> Mode.FULL;
                        default ->
                            throw new IllegalArgumentException("--mode must be short or full, got '" + value + "'");
                    };
                case "--gomaxprocs" -> {
                    gomaxprocs = new ArrayList<>();
                    for (String n : value.split(",")) {
                        try {
                            int p = Integer.parseInt(n.strip());
                            if (p < 1 || p > 1024) {
                                throw new NumberFormatException();
                            }
                            gomaxprocs.add(p);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--gomaxprocs takes integers from 1 to 1024, "
                                    + "comma-separated, got '" + value + "'");
                        }
                    }
                }
                case "--go" -> go = Path.of(value);
                case "--only" -> {
                    try {
                        only = Pattern.compile(value);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw new IllegalArgumentException(
                                "--only takes a regular expression: " + e.getDescription() + " in '" + value + "'");
                    }
                }
                case "--docs" -> docs = Path.of(value);
                case "--raw" -> raw = Path.of(value);
                case "--command" -> command = value;
                case "--agent" -> agent = Path.of(value);
                default ->
                    throw new IllegalArgumentException("unknown option " + arg
                            + " (known: --mode, --gomaxprocs, --go, --only, --docs, --raw, --command, --agent, "
                            + "--go-workloads)");
            }
        }
        if (gomaxprocs == null) {
            gomaxprocs = mode == Mode.SHORT ? List.of(2) : List.of(1, 2);
        }
        return new Options(mode, gomaxprocs, go, only, docs, raw, command, goWorkloads, agent);
    }

    static void run(Options o, List<Workload> workloads) throws IOException, RunnerException {
        GoResults go = o.go() != null && Files.exists(o.go()) ? GoResults.read(o.go()) : GoResults.none();
        Files.createDirectories(o.raw());
        List<ComparisonTable> tables = new ArrayList<>();
        for (int procs : o.gomaxprocs()) {
            ComparisonTable table = new ComparisonTable(procs);
            workloads.forEach(table::add);
            for (Column column : List.of(Column.WEFT, Column.JDK_ON_WEFT, Column.JDK, Column.JOX_ON_WEFT, Column.JOX)) {
                List<Workload> in =
                        workloads.stream().filter(w -> w.has(column)).toList();
                if (in.isEmpty()) {
                    continue;
                }
                Path json = o.raw().resolve(column.name().toLowerCase() + "-gomaxprocs" + procs + ".json");
                for (RunResult r : jmh(o, column, procs, in, json)) {
                    match(in, r)
                            .ifPresent(w -> table.put(
                                    w,
                                    column,
                                    new Score(
                                            r.getPrimaryResult().getScore(),
                                            r.getPrimaryResult().getScoreError())));
                }
            }
            for (Workload w : workloads) {
                go.score(w.go(), procs).ifPresent(s -> table.put(w, Column.GO, s));
            }
            tables.add(table);
            System.out.println();
            System.out.println("gomaxprocs=" + procs + " (ns per op, lower is better; X/weft above 1: weft faster; "
                    + "X on weft/X below 1: the unchanged code is faster on weft through the agent):");
            System.out.print(table.text());
        }
        Report.write(o, tables, go);
    }

    /**
     * Runs the JMH benchmarks of {@code workloads} for one column at one gomaxprocs; a drop-in
     * column's forks run under weft's agent ({@link #agentJvmArgs}).
     */
    private static Collection<RunResult> jmh(Options o, Column column, int procs, List<Workload> workloads, Path json)
            throws RunnerException {
        Mode mode = o.mode();
        Set<String> capacities = new LinkedHashSet<>();
        workloads.forEach(w -> {
            if (w.params().containsKey("capacity")) {
                capacities.add(w.params().get("capacity"));
            }
        });
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(workloads.stream()
                        .map(w -> Pattern.quote(w.fullName()))
                        .distinct()
                        .collect(Collectors.joining("|", "^(", ")$")))
                .param("scheduler", column.scheduler)
                .param("impl", column.impl)
                .param("gomaxprocs", Integer.toString(procs))
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (!capacities.isEmpty()) {
            b.param("capacity", capacities.toArray(String[]::new));
        }
        if (column.dropIn()) {
            b.jvmArgsAppend(agentJvmArgs(o.agent(), procs).toArray(String[]::new));
        }
        if (mode == Mode.SHORT) {
            b.forks(1)
                    .warmupIterations(2)
                    .warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3)
                    .measurementTime(TimeValue.milliseconds(500));
        }
        return new Runner(b.build()).run();
    }

    /** The workload a JMH result belongs to: same benchmark, same fixed parameters. */
    private static Optional<Workload> match(List<Workload> workloads, RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        return workloads.stream()
                .filter(w -> w.fullName().equals(benchmark))
                .filter(w -> w.params().entrySet().stream()
                        .allMatch((Map.Entry<String, String> e) ->
                                e.getValue().equals(r.getParams().getParam(e.getKey()))))
                .findFirst();
    }

    static String today() {
        return LocalDate.now().toString();
    }
}

package dev.weft.jmh.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Go side's figures, as {@code jmh/compare} writes them: one line per run,
 * {@code GOMAXPROCS} first, then what the Go program printed
 * ({@code 2 go pingpong 10000 median 4.9 ms 492.0 ns/op}); a line {@code # go version ...}
 * names the toolchain. Other lines are errors.
 */
public final class GoResults {
    private static final Pattern LINE = Pattern.compile("(\\d+) go (\\S+) (\\d+) median ([0-9.]+) ms ([0-9.]+) ns/op");

    private final Map<String, Score> scores;
    private final String version;

    private GoResults(Map<String, Score> scores, String version) {
        this.scores = scores;
        this.version = version;
    }

    /** No Go figures (go is not installed). */
    public static GoResults none() {
        return new GoResults(Map.of(), null);
    }

    /** Reads the file {@code jmh/compare} wrote. */
    public static GoResults read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    /**
     * Parses lines as described above.
     *
     * @throws IllegalArgumentException naming the first line that is neither a result nor a comment
     */
    public static GoResults parse(List<String> lines) {
        Map<String, Score> scores = new HashMap<>();
        String version = null;
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("#")) {
                if (l.startsWith("# go version ")) {
                    version = l.substring("# go version ".length()).strip();
                }
                continue;
            }
            Matcher m = LINE.matcher(l);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "not a Go result line: '" + l + "' (expected 'GOMAXPROCS go WORKLOAD N median X ms Y ns/op')");
            }
            scores.put(
                    key(Integer.parseInt(m.group(1)), m.group(2) + " " + m.group(3)),
                    new Score(Double.parseDouble(m.group(5)), Double.NaN));
        }
        return new GoResults(scores, version);
    }

    /** The figure for workload {@code go} ({@code "pingpong 10000"}) at {@code gomaxprocs}. */
    public Optional<Score> score(String go, int gomaxprocs) {
        return go == null ? Optional.empty() : Optional.ofNullable(scores.get(key(gomaxprocs, go)));
    }

    /** The toolchain, e.g. {@code go1.19.8 linux/amd64}, or null when unknown. */
    public String version() {
        return version;
    }

    private static String key(int gomaxprocs, String go) {
        return gomaxprocs + " " + go;
    }
}

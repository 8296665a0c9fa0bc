package dev.weft.jmh.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * weft at two revisions, at one gomaxprocs: a row per {@link Workload}, the base revision's
 * {@link Score} and the head's, the ratio head/base (below 1: head is faster) and a
 * {@link Verdict}. Not thread-safe: one thread fills and prints it.
 */
public final class BeforeAfterTable {
    /** How head compares with base on one row, by their 99.9% intervals (score ± error). */
    public enum Verdict {
        /** The intervals overlap: no difference this run can tell. */
        WITHIN("within error"),
        /** The intervals are apart and head is faster. */
        BETTER("better"),
        /** The intervals are apart and head is slower: a regression (or a noisy machine). */
        WORSE("WORSE"),
        /** A side has no error (a single measured iteration): no interval to compare. */
        NO_ERROR("no error known"),
        /** A side has no figure (its forks failed, or the benchmark is missing at that revision). */
        NOT_RUN("not run");

        /** What the table shows. */
        public final String text;

        Verdict(String text) {
            this.text = text;
        }

        /**
         * The verdict of {@code head} against {@code base}.
         *
         * @param base the base revision's score, or null when not run
         * @param head the head revision's score, or null when not run
         */
        public static Verdict of(Score base, Score head) {
            if (base == null || head == null) {
                return NOT_RUN;
            }
            if (Double.isNaN(base.error()) || Double.isNaN(head.error())) {
                return NO_ERROR;
            }
            boolean apart = head.nanos() - head.error() > base.nanos() + base.error()
                    || base.nanos() - base.error() > head.nanos() + head.error();
            if (!apart) {
                return WITHIN;
            }
            return head.nanos() < base.nanos() ? BETTER : WORSE;
        }
    }

    /**
     * One row.
     *
     * @param workload what ran
     * @param base the base revision's score, or null when not run
     * @param head the head revision's score, or null when not run
     */
    public record Row(Workload workload, Score base, Score head) {
        /** Head's time over base's (below 1: head is faster), or NaN when a side is missing. */
        public double ratio() {
            return base == null || head == null ? Double.NaN : head.nanos() / base.nanos();
        }

        /** How head compares with base. */
        public Verdict verdict() {
            return Verdict.of(base, head);
        }
    }

    private final int gomaxprocs;
    private final String baseName;
    private final String headName;
    private final List<Row> rows = new ArrayList<>();

    /**
     * An empty table.
     *
     * @param gomaxprocs the gomaxprocs both sides ran with
     * @param baseName the base revision's heading, e.g. {@code b6fc592}
     * @param headName the head revision's heading, e.g. {@code HEAD 1e9a526}
     */
    public BeforeAfterTable(int gomaxprocs, String baseName, String headName) {
        this.gomaxprocs = gomaxprocs;
        this.baseName = baseName;
        this.headName = headName;
    }

    /** The gomaxprocs both sides ran with. */
    public int gomaxprocs() {
        return gomaxprocs;
    }

    /** The rows, in the order they were added; live, not a copy. */
    public List<Row> rows() {
        return rows;
    }

    /** Adds a row: {@code base} or {@code head} null when that side has no figure. */
    public void add(Workload workload, Score base, Score head) {
        rows.add(new Row(workload, base, head));
    }

    /** The rows whose verdict is {@link Verdict#WORSE}. */
    public List<Row> worse() {
        return rows.stream().filter(r -> r.verdict() == Verdict.WORSE).toList();
    }

    /** The table in Markdown, ns per op; WORSE in bold. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | op | ")
                .append(baseName)
                .append(" (base) | ")
                .append(headName)
                .append(" (head) | head / base | verdict |\n");
        sb.append("|---|---|---:|---:|---:|---|\n");
        for (Row row : rows) {
            List<String> cells = cells(row);
            if (row.verdict() == Verdict.WORSE) {
                cells.set(cells.size() - 1, "**" + cells.getLast() + "**");
            }
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }

    /** The same table as aligned plain text, for the console. */
    public String text() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of("workload", "op", baseName + " (base)", headName + " (head)", "head/base", "verdict"));
        rows.forEach(row -> lines.add(cells(row)));
        return ComparisonTable.aligned(lines, i -> i < 2 || i == 5);
    }

    private static List<String> cells(Row row) {
        List<String> cells = new ArrayList<>();
        cells.add(row.workload().label());
        cells.add(row.workload().op());
        cells.add(row.base() != null ? row.base().toString() : "not run");
        cells.add(row.head() != null ? row.head().toString() : "not run");
        cells.add(Double.isNaN(row.ratio()) ? "" : String.format("%.2fx", row.ratio()));
        cells.add(row.verdict().text);
        return cells;
    }
}

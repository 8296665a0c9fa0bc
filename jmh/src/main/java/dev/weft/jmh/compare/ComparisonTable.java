package dev.weft.jmh.compare;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The comparison at one gomaxprocs: a row per {@link Workload}, a {@link Score} per
 * {@link Column}, the ratios of the JDK default's, jox's and Go's time to weft's (above 1: weft
 * is faster), the ratios of each drop-in column's time to its JDK-default counterpart's (below 1:
 * weft through the agent is faster), and where weft misses its targets (behind the JDK default or
 * jox; a drop-in column slower than its JDK-default counterpart; more than
 * {@link Workload#GO_TARGET} times Go's time).
 */
public final class ComparisonTable {
    /** One row: a workload and its figures, by column (a column may be missing). */
    public record Row(Workload workload, Map<Column, Score> scores) {
        /** The column's time over weft's, when both are known. */
        public Optional<Double> ratio(Column column) {
            Score weft = scores.get(Column.WEFT);
            Score other = scores.get(column);
            return weft == null || other == null ? Optional.empty() : Optional.of(other.nanos() / weft.nanos());
        }

        /**
         * A drop-in column's time over its JDK-default counterpart's ({@link Column#baseline()}),
         * when both are known: below 1, the unchanged code is faster on weft through the agent.
         *
         * @throws IllegalStateException if {@code dropIn} is not a drop-in column
         */
        public Optional<Double> dropInRatio(Column dropIn) {
            Score onWeft = scores.get(dropIn);
            Score jdk = scores.get(dropIn.baseline());
            return onWeft == null || jdk == null ? Optional.empty() : Optional.of(onWeft.nanos() / jdk.nanos());
        }

        /**
         * Where weft misses a target on this row, e.g. {@code "behind jox"}, {@code "JDK on weft
         * behind JDK default"}, {@code "2.21x Go"}; empty if none. Like the other ratios, a drop-in
         * figure counts as behind when it is slower, whatever the error.
         */
        public List<String> misses() {
            List<String> misses = new ArrayList<>();
            for (Column c : List.of(Column.JDK, Column.JOX)) {
                ratio(c).filter(r -> r < 1).ifPresent(r -> misses.add("behind " + c.heading));
            }
            for (Column c : Column.dropIns()) {
                dropInRatio(c)
                        .filter(r -> r > 1)
                        .ifPresent(r -> misses.add(c.heading + " behind " + c.baseline().heading));
            }
            if (workload.goTarget()) {
                ratio(Column.GO)
                        .filter(r -> 1 / r > Workload.GO_TARGET)
                        .ifPresent(r -> misses.add(String.format("%.2fx Go", 1 / r)));
            }
            return misses;
        }
    }

    private final int gomaxprocs;
    private final List<Row> rows = new ArrayList<>();

    /** An empty table for the runs at {@code gomaxprocs}. */
    public ComparisonTable(int gomaxprocs) {
        this.gomaxprocs = gomaxprocs;
    }

    /** The gomaxprocs every column ran with. */
    public int gomaxprocs() {
        return gomaxprocs;
    }

    /** The rows, in the order they were added; live, not a copy. */
    public List<Row> rows() {
        return rows;
    }

    /** Adds an empty row for {@code workload}, if it has none: rows keep the order they were added in. */
    public Row add(Workload workload) {
        for (Row row : rows) {
            if (row.workload().equals(workload)) {
                return row;
            }
        }
        Row row = new Row(workload, new EnumMap<>(Column.class));
        rows.add(row);
        return row;
    }

    /** Sets {@code score} for {@code workload} in {@code column}, adding the row if needed. */
    public void put(Workload workload, Column column, Score score) {
        add(workload).scores().put(column, score);
    }

    /**
     * The table in Markdown, ns per op, with the ratios (X / weft: above 1, weft is faster; X on
     * weft / X: below 1, weft through the agent is faster) and a column of missed targets.
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| workload | op | weft | JDK on weft | JDK default | jox on weft | jox | Go | JDK / weft | jox / weft "
                        + "| Go / weft | JDK on weft / JDK default | jox on weft / jox | weft behind |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            List<String> cells = cells(row);
            List<String> misses = row.misses();
            sb.append("| ")
                    .append(String.join(" | ", cells))
                    .append(" | ")
                    .append(misses.isEmpty() ? "" : "**" + String.join(", ", misses) + "**")
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The same table as aligned plain text, for the console. */
    public String text() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of(
                "workload",
                "op",
                "weft",
                "JDK on weft",
                "JDK default",
                "jox on weft",
                "jox",
                "Go",
                "JDK/weft",
                "jox/weft",
                "Go/weft",
                "JDK on weft/JDK",
                "jox on weft/jox",
                "weft behind"));
        for (Row row : rows) {
            List<String> cells = new ArrayList<>(cells(row));
            cells.add(String.join(", ", row.misses()));
            lines.add(cells);
        }
        int last = lines.get(0).size() - 1;
        return aligned(lines, i -> i < 2 || i == last);
    }

    /**
     * {@code lines} (a heading, then rows, each the same number of cells) as plain text, each
     * column padded to its widest cell: to the left where {@code left} says so, else to the right;
     * no trailing blanks.
     */
    static String aligned(List<List<String>> lines, IntPredicate left) {
        int[] width = new int[lines.get(0).size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                text.append(
                        left.test(i)
                                ? String.format("%-" + width[i] + "s", cell)
                                : String.format("%" + width[i] + "s", cell));
                text.append(i == line.size() - 1 ? "" : "  ");
            }
            sb.append(text.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static List<String> cells(Row row) {
        List<String> cells = new ArrayList<>();
        cells.add(row.workload().label());
        cells.add(row.workload().op());
        for (Column c : Column.values()) {
            Score s = row.scores().get(c);
            cells.add(s != null ? s.toString() : row.workload().has(c) ? "not run" : "—");
        }
        for (Column c : List.of(Column.JDK, Column.JOX, Column.GO)) {
            cells.add(row.ratio(c).map(r -> String.format("%.2fx", r)).orElse(""));
        }
        for (Column c : Column.dropIns()) {
            cells.add(row.dropInRatio(c).map(r -> String.format("%.2fx", r)).orElse(""));
        }
        return cells;
    }
}

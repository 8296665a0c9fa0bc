package dev.weft.jmh.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws a {@link ComparisonTable} as a PNG bar chart with JFreeChart: for each workload, the
 * time of the JDK's queues on weft through the agent, the JDK default, jox on weft through the
 * agent, jox and Go relative to weft's (weft = 1, the dashed line; a bar past it is slower than
 * weft; each drop-in bar, a lighter shade, sits just above its JDK-default one), on a log scale
 * so that 2x faster and 2x slower look alike.
 */
public final class ComparisonChart {
    /** JDK on weft, JDK default, jox on weft, jox, Go. */
    private static final Color[] COLORS = {
        new Color(0x74c0fc), new Color(0x1c7ed6), new Color(0xffc078), new Color(0xe67700), new Color(0x5f3dc4)
    };

    private ComparisonChart() {}

    /** Writes the chart of {@code table} to {@code png}, titled {@code title}. */
    public static void write(ComparisonTable table, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = 1;
        double max = 1;
        List<Column> others = List.of(Column.JDK_ON_WEFT, Column.JDK, Column.JOX_ON_WEFT, Column.JOX, Column.GO);
        for (ComparisonTable.Row row : table.rows()) {
            for (Column c : others) {
                Double r = row.ratio(c).orElse(null); // null: a gap, but the series keeps its place
                data.addValue(r, c.heading, row.workload().label());
                if (r != null) {
                    min = Math.min(min, r);
                    max = Math.max(max, r);
                }
            }
        }
        CategoryAxis workloads = new CategoryAxis();
        workloads.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        workloads.setCategoryMargin(0.25);
        LogAxis ratio = new LogAxis("time relative to weft (log scale; weft = 1; lower is faster)");
        ratio.setBase(2);
        ratio.setSmallestValue(1e-3);
        ratio.setRange(min / 1.25, max * 1.25);
        ratio.setTickUnit(new NumberTickUnit(1)); // a tick per power of 2: 0.25x, 0.5x, 1x, 2x, ...
        ratio.setNumberFormatOverride(new java.text.DecimalFormat("0.###x"));

        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setBase(min / 1.25);
        for (int i = 0; i < others.size(); i++) {
            bars.setSeriesPaint(i, COLORS[i]);
        }
        CategoryPlot plot = new CategoryPlot(data, workloads, ratio, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker weft = new ValueMarker(
                1.0,
                Color.BLACK,
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        weft.setLabel("weft");
        weft.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        weft.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addRangeMarker(weft);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        int height = 140 + table.rows().size() * 12 * others.size();
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, height);
    }
}

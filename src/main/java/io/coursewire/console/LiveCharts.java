package io.coursewire.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.quarkus.qute.TemplateData;

/**
 * The Live page's charts, drawn from the sampler's windows: each a small SVG with one polyline per
 * series, the axis maximum written on it, and the current values beside it. Pure: windows in, charts out.
 */
public final class LiveCharts {

    static final int WIDTH = 360;
    static final int HEIGHT = 84;
    /** Room above the plot for the axis maximum's text. */
    static final int TOP = 16;

    /** One polyline per run of known values: a gap (no latency recorded, a queue that could not be read) breaks it. */
    @TemplateData
    public record Line(String id, String name, String css, List<String> runs, String now) {
    }

    @TemplateData
    public record Chart(String id, String title, String description, String max, List<Line> lines) {
        /** The lines last to first: the first, the one that matters most, is drawn on top. */
        public List<Line> drawn() {
            List<Line> drawn = new ArrayList<>(lines);
            java.util.Collections.reverse(drawn);
            return drawn;
        }
    }

    @TemplateData
    public record Group(String id, String heading, List<Chart> charts) {
    }

    /** What one line reads from each window. */
    private record Series(String key, String name, String css, ToDoubleFunction<FlowWindow> value) {
    }

    private LiveCharts() {
    }

    /** The charts of {@code windows} (oldest first), laid out for a ring of {@code capacity} windows of {@code interval} each. */
    public static List<Group> of(List<FlowWindow> windows, int capacity, Duration interval) {
        String span = "Last " + span(interval.multipliedBy(capacity)) + ", one point every " + span(interval) + ". ";
        List<Group> groups = new ArrayList<>();
        groups.add(new Group("events", "Events in", List.of(chart("events", "Events in per second", "/s", span, windows, capacity,
                new Series("accepted", "accepted", "s1", w -> w.eventsIn()),
                new Series("duplicates", "duplicates", "s2", w -> w.duplicates()),
                new Series("rejected", "rejected", "s3", w -> w.rejected())))));

        List<Chart> targets = new ArrayList<>();
        for (String target : names(windows, w -> w.deliveries().keySet())) {
            targets.add(chart("target-" + target, "Deliveries per second to " + target, "/s", span, windows, capacity,
                    new Series("delivered", "delivered", "s1", w -> flow(w, target).delivered()),
                    new Series("retried", "retried", "s2", w -> flow(w, target).retried()),
                    new Series("dead", "dead-lettered", "s3", w -> flow(w, target).deadLettered())));
        }
        groups.add(new Group("deliveries", "Deliveries out, per target", targets));

        List<Chart> queues = new ArrayList<>();
        for (String queue : names(windows, w -> w.queueDepths().keySet())) {
            queues.add(chart("queue-" + queue, "Messages waiting on " + queue, "", span, windows, capacity,
                    new Series("waiting", "waiting", "s1", w -> w.queueDepths().getOrDefault(queue, Double.NaN))));
        }
        groups.add(new Group("queues", "Queue depths", queues));

        groups.add(new Group("latency", "Latency", List.of(
                chart("ingest-latency", "Ingest latency, request to 202", " ms", span, windows, capacity,
                        new Series("p50", "p50", "s1", w -> w.ingest().p50()), new Series("p99", "p99", "s3", w -> w.ingest().p99())),
                chart("delivery-latency", "Delivery latency, accept to delivery", " ms", span, windows, capacity,
                        new Series("p50", "p50", "s1", w -> w.delivery().p50()), new Series("p99", "p99", "s3", w -> w.delivery().p99())))));
        return groups;
    }

    private static FlowWindow.TargetFlow flow(FlowWindow w, String target) {
        FlowWindow.TargetFlow flow = w.deliveries().get(target);
        // Absent from a window: the target did not exist yet, or no longer does.
        return flow == null ? new FlowWindow.TargetFlow(Double.NaN, Double.NaN, Double.NaN) : flow;
    }

    /** The names in any window: one gone from every window of the ring is gone from the page. */
    private static TreeSet<String> names(List<FlowWindow> windows, Function<FlowWindow, java.util.Set<String>> names) {
        TreeSet<String> all = new TreeSet<>();
        windows.forEach(w -> all.addAll(names.apply(w)));
        return all;
    }

    private static Chart chart(String key, String title, String unit, String span, List<FlowWindow> windows, int capacity,
            Series... series) {
        String id = "chart-" + slug(key);
        double highest = 0;
        for (Series s : series) {
            for (FlowWindow w : windows) {
                double v = s.value().applyAsDouble(w);
                highest = Double.isNaN(v) ? highest : Math.max(highest, v);
            }
        }
        double max = axisMax(highest);
        List<Line> lines = new ArrayList<>();
        StringBuilder description = new StringBuilder(span);
        for (Series s : series) {
            double now = windows.isEmpty() ? Double.NaN : s.value().applyAsDouble(windows.get(windows.size() - 1));
            lines.add(new Line(id + "-" + s.key(), s.name(), s.css(), runs(windows, s.value(), capacity, max), format(now, unit)));
            description.append(s.name()).append(" now ").append(format(now, unit)).append(". ");
        }
        description.append("Axis up to ").append(format(max, unit)).append('.');
        return new Chart(id, title, description.toString(), format(max, unit), lines);
    }

    /** SVG polyline points, one string per run of known values, the newest window at the right edge. */
    static List<String> runs(List<FlowWindow> windows, ToDoubleFunction<FlowWindow> value, int capacity, double max) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        int offset = capacity - windows.size();
        for (int i = 0; i < windows.size(); i++) {
            double v = value.applyAsDouble(windows.get(i));
            if (Double.isNaN(v)) {
                flush(runs, run);
                continue;
            }
            double x = (offset + i) * (double) WIDTH / Math.max(1, capacity - 1);
            double y = HEIGHT - Math.min(v, max) / max * (HEIGHT - TOP);
            run.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        flush(runs, run);
        return runs;
    }

    private static void flush(List<String> runs, StringBuilder run) {
        if (!run.isEmpty()) {
            runs.add(run.toString().trim());
            run.setLength(0);
        }
    }

    /** A round axis maximum at or above {@code highest}: 1, 2 or 5 times a power of ten; at least 1. */
    static double axisMax(double highest) {
        if (!(highest > 1)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(highest)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= highest) {
                return step * power;
            }
        }
        return 10 * power;
    }

    static String format(double value, String unit) {
        if (Double.isNaN(value)) {
            return "—";
        }
        String digits = value == Math.rint(value) || value >= 10 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, value < 1 ? "%.2f" : "%.1f", value);
        return digits + unit;
    }

    static String span(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            long m = d.toMinutes();
            return m == 1 ? "minute" : m + " minutes";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    private static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "-");
    }
}

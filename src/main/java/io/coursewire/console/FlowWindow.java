package io.coursewire.console;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * What flowed between two readings of the metrics: events in per second, deliveries per second per
 * target, the queue depths at the end, and the latency percentiles of the values recorded in between.
 * Made by {@link #between}, a pure function, so it is tested without the service.
 */
public record FlowWindow(Instant at, double eventsIn, double duplicates, double rejected, Map<String, TargetFlow> deliveries,
        Map<String, Double> queueDepths, Latency ingest, Latency delivery) {

    /** A target's deliveries: cumulative counts in a reading, per second in a window. */
    public record TargetFlow(double delivered, double retried, double deadLettered) {
        double total() {
            return delivered + retried + deadLettered;
        }
    }

    /** Milliseconds; NaN when nothing was recorded in the window. */
    public record Latency(double p50, double p99) {
        static Latency of(LatencyBuckets window) {
            return new Latency(window.quantile(0.50), window.quantile(0.99));
        }
    }

    /** The service's cumulative counters and histograms at one instant, by vendor, target or queue. */
    public record Reading(long nanos, Instant at, Map<String, Double> accepted, Map<String, Double> duplicates,
            Map<String, Double> rejected, Map<String, TargetFlow> deliveries, Map<String, Double> queueDepths,
            Map<String, LatencyBuckets> ingestLatency, Map<String, LatencyBuckets> deliveryLatency) {
    }

    /**
     * The window from {@code before} to {@code now}, rates over the time that really passed between them.
     * At most {@code maxSeries} targets and queues: the busiest or deepest, so a service with many
     * targets cannot grow the ring without bound.
     */
    public static FlowWindow between(Reading before, Reading now, int maxSeries) {
        double seconds = Math.max(1e-3, (now.nanos() - before.nanos()) / 1e9);
        Map<String, TargetFlow> deliveries = new TreeMap<>();
        for (Map.Entry<String, TargetFlow> e : now.deliveries().entrySet()) {
            TargetFlow was = before.deliveries().get(e.getKey());
            TargetFlow is = e.getValue();
            deliveries.put(e.getKey(), new TargetFlow(
                    increase(was == null ? null : was.delivered(), is.delivered()) / seconds,
                    increase(was == null ? null : was.retried(), is.retried()) / seconds,
                    increase(was == null ? null : was.deadLettered(), is.deadLettered()) / seconds));
        }
        return new FlowWindow(now.at(), increase(before.accepted(), now.accepted()) / seconds,
                increase(before.duplicates(), now.duplicates()) / seconds, increase(before.rejected(), now.rejected()) / seconds,
                largest(deliveries, TargetFlow::total, maxSeries), largest(now.queueDepths(), d -> d, maxSeries),
                Latency.of(window(before.ingestLatency(), now.ingestLatency())),
                Latency.of(window(before.deliveryLatency(), now.deliveryLatency())));
    }

    /** How much the counters grew, summed: a series absent before is new (all of it counts); one that went down was reset. */
    static double increase(Map<String, Double> before, Map<String, Double> now) {
        double sum = 0;
        for (Map.Entry<String, Double> e : now.entrySet()) {
            sum += increase(before.get(e.getKey()), e.getValue());
        }
        return sum;
    }

    static double increase(Double before, double now) {
        return before == null || now < before ? now : now - before;
    }

    /** The values the timers recorded in the window, summed over their tags; series gone since do not count. */
    static LatencyBuckets window(Map<String, LatencyBuckets> before, Map<String, LatencyBuckets> now) {
        LatencyBuckets sum = LatencyBuckets.EMPTY;
        for (Map.Entry<String, LatencyBuckets> e : now.entrySet()) {
            LatencyBuckets was = before.get(e.getKey());
            sum = sum.plus(was == null ? e.getValue() : e.getValue().since(was));
        }
        return sum;
    }

    /** The {@code max} entries of largest value (NaN counts as smallest; ties by name), in name order. */
    static <V> Map<String, V> largest(Map<String, V> series, ToDoubleFunction<V> size, int max) {
        Map<String, V> kept = new TreeMap<>();
        series.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, V>>comparingDouble(e -> {
                    double v = size.applyAsDouble(e.getValue());
                    return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
                }).thenComparing(Map.Entry::getKey))
                .limit(max).forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }
}

package io.coursewire.console;

import java.util.Map;
import java.util.TreeMap;

/**
 * A latency histogram as counts per bucket (not cumulative), keyed by each bucket's upper bound in
 * milliseconds, plus the values above the highest bound. Per bucket rather than cumulative so that
 * histograms of several timers add up even if their bounds were to differ.
 */
public record LatencyBuckets(Map<Double, Long> perBucket, long overflow) {

    public static final LatencyBuckets EMPTY = new LatencyBuckets(Map.of(), 0);

    public LatencyBuckets {
        perBucket = java.util.Collections.unmodifiableMap(new TreeMap<>(perBucket));
    }

    /**
     * From a timer's cumulative bucket counts (Micrometer's {@code histogramCounts()} for a Prometheus
     * timer: each bucket counts every value at or below its bound), and its total count.
     */
    public static LatencyBuckets fromCumulative(double[] boundsMillis, double[] cumulative, long total) {
        Map<Double, Long> perBucket = new TreeMap<>();
        long below = 0;
        for (int i = 0; i < boundsMillis.length; i++) {
            long upTo = Math.max(below, Math.round(cumulative[i]));
            perBucket.merge(boundsMillis[i], upTo - below, Long::sum);
            below = upTo;
        }
        return new LatencyBuckets(perBucket, Math.max(0, total - below));
    }

    public long count() {
        return overflow + perBucket.values().stream().mapToLong(Long::longValue).sum();
    }

    public LatencyBuckets plus(LatencyBuckets other) {
        Map<Double, Long> sum = new TreeMap<>(perBucket);
        other.perBucket.forEach((bound, n) -> sum.merge(bound, n, Long::sum));
        return new LatencyBuckets(sum, overflow + other.overflow);
    }

    /**
     * What was recorded since {@code earlier}. A histogram that shrank anywhere was reset (its timer
     * removed and made again): then everything it holds is new.
     */
    public LatencyBuckets since(LatencyBuckets earlier) {
        Map<Double, Long> diff = new TreeMap<>();
        for (Map.Entry<Double, Long> e : perBucket.entrySet()) {
            long d = e.getValue() - earlier.perBucket.getOrDefault(e.getKey(), 0L);
            if (d < 0) {
                return this;
            }
            diff.put(e.getKey(), d);
        }
        long over = overflow - earlier.overflow;
        return over < 0 || count() < earlier.count() ? this : new LatencyBuckets(diff, over);
    }

    /**
     * The {@code q}-quantile (0..1) in milliseconds, interpolated linearly inside its bucket as
     * Prometheus' histogram_quantile does; the highest bound when it lies above every bound; NaN with no values.
     */
    public double quantile(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lower = 0;
        long below = 0;
        for (Map.Entry<Double, Long> e : perBucket.entrySet()) {
            long n = e.getValue();
            if (n > 0 && below + n >= rank) {
                return lower + (e.getKey() - lower) * Math.max(0, rank - below) / n;
            }
            below += n;
            lower = e.getKey();
        }
        return lower;
    }
}

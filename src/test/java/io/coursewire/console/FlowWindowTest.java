package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.coursewire.console.FlowWindow.Reading;
import io.coursewire.console.FlowWindow.TargetFlow;

/** The Live page's arithmetic, without the service: window percentiles from histogram differences, rates, resets, caps. */
class FlowWindowTest {

    private static final double[] BOUNDS = {1, 2, 4, 8, 16};

    @Test
    void cumulativeBucketCountsBecomeCountsPerBucket() {
        LatencyBuckets b = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 10, 10, 30, 30}, 32);
        assertThat(b.perBucket()).containsExactly(Map.entry(1.0, 0L), Map.entry(2.0, 10L), Map.entry(4.0, 0L), Map.entry(8.0, 20L),
                Map.entry(16.0, 0L));
        assertThat(b.overflow()).as("two values above 16 ms").isEqualTo(2);
        assertThat(b.count()).isEqualTo(32);
    }

    @Test
    void knownBucketsGiveKnownPercentiles() {
        // 100 values: 50 in (1, 2] ms, 49 in (4, 8] ms, 1 in (8, 16] ms.
        LatencyBuckets b = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 50, 50, 99, 100}, 100);
        assertThat(b.quantile(0.50)).as("the 50th value is the last of (1, 2]").isCloseTo(2.0, within(1e-9));
        assertThat(b.quantile(0.25)).as("halfway through (1, 2]").isCloseTo(1.5, within(1e-9));
        assertThat(b.quantile(0.99)).as("the 99th value is the last of (4, 8]").isCloseTo(8.0, within(1e-9));
        assertThat(b.quantile(0.995)).as("halfway through (8, 16]").isCloseTo(12.0, within(1e-9));
        assertThat(LatencyBuckets.EMPTY.quantile(0.5)).isNaN();
        // Everything above the highest bound: the highest bound is all a histogram can say.
        assertThat(LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 0, 0, 0, 0}, 7).quantile(0.5)).isEqualTo(16.0);
    }

    @Test
    void aWindowsPercentilesComeFromTheDifferenceBetweenTwoReadingsOnly() {
        // Before: 1,000 slow values (in (8, 16]). In the window: 10 fast ones (in (1, 2]).
        LatencyBuckets before = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 0, 0, 0, 1000}, 1000);
        LatencyBuckets now = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 10, 10, 10, 1010}, 1010);
        FlowWindow w = FlowWindow.between(reading(0, Map.of(), Map.of(), Map.of("tagmango", before)),
                reading(5, Map.of(), Map.of(), Map.of("tagmango", now)), 50);
        assertThat(w.ingest().p50()).isCloseTo(1.5, within(1e-9));
        assertThat(w.ingest().p99()).isLessThanOrEqualTo(2.0);
        // Nothing recorded in a window: no percentile, not a stale one.
        FlowWindow idle = FlowWindow.between(reading(5, Map.of(), Map.of(), Map.of("tagmango", now)),
                reading(10, Map.of(), Map.of(), Map.of("tagmango", now)), 50);
        assertThat(idle.ingest().p50()).isNaN();
        assertThat(idle.ingest().p99()).isNaN();
    }

    @Test
    void percentilesAreOfEveryVendorTogether() {
        LatencyBuckets fast = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 60, 60, 60, 60}, 60);
        LatencyBuckets slow = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 0, 0, 40, 40}, 40);
        FlowWindow w = FlowWindow.between(reading(0, Map.of(), Map.of(), Map.of()),
                reading(5, Map.of(), Map.of(), Map.of("tagmango", fast, "thinkific", slow)), 50);
        assertThat(w.ingest().p50()).as("the 50th of 100 values is fast").isLessThanOrEqualTo(2.0);
        assertThat(w.ingest().p99()).as("the 99th is slow").isGreaterThan(4.0).isLessThanOrEqualTo(8.0);
    }

    @Test
    void ratesArePerSecondOfTheTimeThatPassedSummedOverVendors() {
        FlowWindow w = FlowWindow.between(reading(0, Map.of("tagmango", 10.0, "thinkific", 5.0), Map.of("archive", flow(3, 0, 0)), Map.of()),
                reading(4, Map.of("tagmango", 18.0, "thinkific", 9.0), Map.of("archive", flow(11, 2, 1)), Map.of()), 50);
        assertThat(w.eventsIn()).isCloseTo(3.0, within(1e-9));
        assertThat(w.deliveries().get("archive")).isEqualTo(new TargetFlow(2.0, 0.5, 0.25));
    }

    @Test
    void aResetCounterOrANewSeriesCountsWhatItHoldsAndAVanishedOneNothing() {
        FlowWindow w = FlowWindow.between(
                reading(0, Map.of("tagmango", 100.0, "gone", 50.0), Map.of("archive", flow(100, 0, 0)), Map.of()),
                // tagmango was reset (its meters made again) and counted 4 since; zapnito is new with 6; "gone" was removed.
                reading(2, Map.of("tagmango", 4.0, "zapnito", 6.0), Map.of("archive", flow(3, 0, 0), "crm", flow(2, 0, 0)), Map.of()), 50);
        assertThat(w.eventsIn()).isCloseTo(5.0, within(1e-9));
        assertThat(w.deliveries()).containsOnlyKeys("archive", "crm");
        assertThat(w.deliveries().get("archive").delivered()).isCloseTo(1.5, within(1e-9));
        assertThat(w.deliveries().get("crm").delivered()).isCloseTo(1.0, within(1e-9));

        LatencyBuckets big = LatencyBuckets.fromCumulative(BOUNDS, new double[] {0, 0, 0, 0, 500}, 500);
        LatencyBuckets reset = LatencyBuckets.fromCumulative(BOUNDS, new double[] {4, 4, 4, 4, 4}, 4);
        assertThat(reset.since(big)).as("a timer made again: all it holds is new").isEqualTo(reset);
    }

    @Test
    void targetsAndQueuesAreCappedKeepingTheBusiest() {
        Map<String, TargetFlow> before = new HashMap<>();
        Map<String, TargetFlow> now = new HashMap<>();
        Map<String, Double> depths = new HashMap<>();
        for (int i = 0; i < 80; i++) {
            before.put("t" + i, flow(0, 0, 0));
            now.put("t" + i, flow(i, 0, 0));
            depths.put("q" + i, (double) i);
        }
        depths.put("unreadable", Double.NaN);
        Reading a = new Reading(0, Instant.EPOCH, Map.of(), Map.of(), Map.of(), before, Map.of(), Map.of(), Map.of());
        Reading b = new Reading(1_000_000_000L, Instant.EPOCH, Map.of(), Map.of(), Map.of(), now, depths, Map.of(), Map.of());
        FlowWindow w = FlowWindow.between(a, b, 50);
        assertThat(w.deliveries()).hasSize(50).containsKey("t79").containsKey("t30").doesNotContainKey("t29");
        assertThat(w.queueDepths()).hasSize(50).containsKey("q79").doesNotContainKey("unreadable");
    }

    @Test
    void theRingOfTheChartsFillsFromTheRightAndBreaksAtGaps() {
        FlowWindow known = window(2);
        FlowWindow unknown = window(Double.NaN);
        List<String> runs = LiveCharts.runs(List.of(known, unknown, known, known), FlowWindow::eventsIn, 5, 4);
        assertThat(runs).containsExactly("90.0,50.0", "270.0,50.0 360.0,50.0");
        assertThat(LiveCharts.axisMax(0)).isEqualTo(1);
        assertThat(LiveCharts.axisMax(3.2)).isEqualTo(5);
        assertThat(LiveCharts.axisMax(12)).isEqualTo(20);
        assertThat(LiveCharts.axisMax(100)).isEqualTo(100);
        assertThat(LiveCharts.format(0.25, "/s")).isEqualTo("0.25/s");
        assertThat(LiveCharts.format(3, " ms")).isEqualTo("3 ms");
        assertThat(LiveCharts.format(Double.NaN, " ms")).isEqualTo("—");
    }

    @Test
    void theRingKeepsTheNewestWindowsInOrder() {
        FlowSampler sampler = new FlowSampler();
        for (int i = 0; i < FlowSampler.CAPACITY + 20; i++) {
            sampler.add(window(i));
        }
        List<FlowWindow> windows = sampler.windows();
        assertThat(windows).hasSize(FlowSampler.CAPACITY);
        assertThat(windows.get(0).eventsIn()).isEqualTo(20);
        assertThat(windows.get(windows.size() - 1).eventsIn()).isEqualTo(FlowSampler.CAPACITY + 19);
    }

    @Test
    void aTargetGoneFromEveryWindowOfTheRingIsGoneFromTheCharts() {
        FlowWindow withOld = new FlowWindow(Instant.EPOCH, 0, 0, 0, Map.of("old", flow(1, 0, 0)), Map.of("q", 3.0),
                new FlowWindow.Latency(Double.NaN, Double.NaN), new FlowWindow.Latency(1, 2));
        FlowWindow withNew = new FlowWindow(Instant.EPOCH, 0, 0, 0, Map.of("new", flow(2, 0, 0)), Map.of(),
                new FlowWindow.Latency(Double.NaN, Double.NaN), new FlowWindow.Latency(1, 2));
        assertThat(chartIds(List.of(withOld, withNew))).contains("chart-target-old", "chart-target-new", "chart-queue-q");
        assertThat(chartIds(List.of(withNew, withNew))).contains("chart-target-new").doesNotContain("chart-target-old", "chart-queue-q");

        LiveCharts.Chart old = LiveCharts.of(List.of(withOld, withNew), 180, java.time.Duration.ofSeconds(5)).get(1).charts().get(1);
        assertThat(old.id()).isEqualTo("chart-target-old");
        assertThat(old.lines().get(0).now()).as("absent from the newest window").isEqualTo("—");
        assertThat(old.description()).startsWith("Last 15 minutes, one point every 5 s. delivered now —.");
    }

    private static List<String> chartIds(List<FlowWindow> windows) {
        return LiveCharts.of(windows, 180, java.time.Duration.ofSeconds(5)).stream().flatMap(g -> g.charts().stream())
                .map(LiveCharts.Chart::id).toList();
    }

    private static FlowWindow window(double eventsIn) {
        return new FlowWindow(Instant.EPOCH, eventsIn, 0, 0, Map.of(), Map.of(), new FlowWindow.Latency(1, 2), new FlowWindow.Latency(1, 2));
    }

    private static TargetFlow flow(double delivered, double retried, double dead) {
        return new TargetFlow(delivered, retried, dead);
    }

    private static Reading reading(int second, Map<String, Double> accepted, Map<String, TargetFlow> deliveries,
            Map<String, LatencyBuckets> ingest) {
        return new Reading(second * 1_000_000_000L, Instant.ofEpochSecond(second), accepted, Map.of(), Map.of(), deliveries, Map.of(),
                ingest, Map.of());
    }
}

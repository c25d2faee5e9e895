package io.coursewire.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Reads the service's own metrics every {@code coursewire.console.live.sample-interval} and keeps the
 * last {@link #CAPACITY} windows for the Live page. On a thread of its own: the queue-depth gauges may
 * ask the broker, which must not happen on the event loop. Memory stays bounded: a fixed ring, at most
 * {@link #MAX_SERIES} targets and queues per window, and a series gone from the metrics (a removed
 * target) leaves the ring with its last window.
 */
@Singleton
public class FlowSampler {

    /** 15 minutes at the default 5 s. */
    static final int CAPACITY = 180;
    static final int MAX_SERIES = 50;
    private static final Logger LOG = Logger.getLogger(FlowSampler.class);

    @Inject
    MeterRegistry registry;
    @Inject
    CoursewireConfig config;

    private final FlowWindow[] ring = new FlowWindow[CAPACITY];
    private int next;
    private int size;
    private FlowWindow.Reading last;
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent start) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-flow-sampler");
            t.setDaemon(true);
            return t;
        });
        // A fixed delay, not a fixed rate: after a slow broker no burst of readings catches up (rates are
        // over the time that really passed anyway).
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    public Duration interval() {
        return config.console().live().sampleInterval();
    }

    /** The windows in the ring, oldest first. */
    public synchronized List<FlowWindow> windows() {
        List<FlowWindow> windows = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            windows.add(ring[(next - size + i + CAPACITY) % CAPACITY]);
        }
        return windows;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A failed reading must not end the schedule (an exception would cancel it).
            LOG.warn("The console's live sampler could not read the metrics", e);
        }
    }

    /** Takes one reading; from the second on, each one adds the window since the one before. */
    void sample() {
        FlowWindow.Reading now = read();
        if (last != null) {
            add(FlowWindow.between(last, now, MAX_SERIES));
        }
        last = now;
    }

    synchronized void add(FlowWindow window) {
        ring[next] = window;
        next = (next + 1) % CAPACITY;
        size = Math.min(CAPACITY, size + 1);
    }

    private FlowWindow.Reading read() {
        Map<String, Double> delivered = counts("coursewire.deliveries.delivered", "target");
        Map<String, Double> retried = counts("coursewire.deliveries.retried", "target");
        Map<String, Double> dead = counts("coursewire.deliveries.dead.lettered", "target");
        Map<String, FlowWindow.TargetFlow> deliveries = new TreeMap<>();
        for (String target : delivered.keySet()) {
            deliveries.put(target, new FlowWindow.TargetFlow(delivered.get(target), retried.getOrDefault(target, 0.0),
                    dead.getOrDefault(target, 0.0)));
        }
        Map<String, Double> depths = new TreeMap<>();
        registry.find("coursewire.queue.depth").gauges().forEach(g -> depths.put(tag(g, "queue"), g.value()));
        return new FlowWindow.Reading(System.nanoTime(), Instant.now(), counts("coursewire.events.accepted", "vendor"),
                counts("coursewire.events.duplicate", "vendor"), counts("coursewire.events.rejected", "vendor"), deliveries, depths,
                histograms("coursewire.ingest.latency", "vendor"), histograms("coursewire.delivery.latency", "target"));
    }

    private Map<String, Double> counts(String name, String tag) {
        return byTag(registry.find(name).counters(), tag, Counter::count);
    }

    private Map<String, LatencyBuckets> histograms(String name, String tag) {
        return byTag(registry.find(name).timers(), tag, FlowSampler::buckets);
    }

    private static LatencyBuckets buckets(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        CountAtBucket[] counts = snapshot.histogramCounts();
        return LatencyBuckets.fromCumulative(Arrays.stream(counts).mapToDouble(c -> c.bucket(TimeUnit.MILLISECONDS)).toArray(),
                Arrays.stream(counts).mapToDouble(CountAtBucket::count).toArray(), snapshot.count());
    }

    private static <M extends Meter, V> Map<String, V> byTag(java.util.Collection<M> meters, String tag, Function<M, V> value) {
        Map<String, V> values = new TreeMap<>();
        for (M meter : meters) {
            values.put(tag(meter, tag), value.apply(meter));
        }
        return values;
    }

    private static String tag(Meter meter, String key) {
        String value = meter.getId().getTag(key);
        return value == null ? "" : value;
    }
}

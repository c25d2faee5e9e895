package io.coursewire.accept;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per vendor (§8): webhooks received, and how each ended — accepted, duplicate, ignored (an unmapped
 * kind), rejected (4xx) or unavailable (503) — and the ingest latency of the 202s. Every inbound
 * request ends in exactly one outcome, which also counts it as received. Meters are made once per
 * vendor and outcome; the hot path only looks them up.
 */
@Singleton
public class IngestMetrics {

    public enum Outcome {
        ACCEPTED, DUPLICATE, IGNORED, REJECTED, UNAVAILABLE
    }

    private record VendorMeters(Counter received, Map<Outcome, Counter> outcomes, Timer latency) {
    }

    private final MeterRegistry registry;
    private final Map<String, VendorMeters> byVendor = new ConcurrentHashMap<>();

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records how a request ended; {@code elapsedMillis} since it arrived (latency is kept for 202s). */
    public void ended(String vendor, Outcome outcome, long elapsedMillis) {
        VendorMeters meters = byVendor.computeIfAbsent(vendor == null ? "unknown" : vendor, this::meters);
        meters.received().increment();
        meters.outcomes().get(outcome).increment();
        if (outcome == Outcome.ACCEPTED || outcome == Outcome.DUPLICATE || outcome == Outcome.IGNORED) {
            meters.latency().record(Math.max(0, elapsedMillis), TimeUnit.MILLISECONDS);
        }
    }

    private VendorMeters meters(String vendor) {
        Map<Outcome, Counter> outcomes = new java.util.EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("coursewire.events." + outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Webhooks that ended " + outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .tag("vendor", vendor).register(registry));
        }
        return new VendorMeters(
                Counter.builder("coursewire.events.received").description("Webhooks received").tag("vendor", vendor).register(registry),
                outcomes,
                Timer.builder("coursewire.ingest.latency").description("From request arrival to the 202 (after the durable write)")
                        .tag("vendor", vendor).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry));
    }
}

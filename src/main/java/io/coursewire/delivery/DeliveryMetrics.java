package io.coursewire.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Per target: deliveries succeeded, retried, dead-lettered, and the accept→delivery latency (§8). */
@Singleton
public class DeliveryMetrics {

    private final MeterRegistry registry;

    @Inject
    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A static target's meters, its circuit's state among them. */
    public PerTarget forTarget(String target, CircuitBreakers.Circuit circuit) {
        PerTarget meters = forTarget(target);
        Gauge state = Gauge.builder("coursewire.delivery.circuit.state", circuit, c -> c.state().ordinal())
                .description("The target's circuit breaker: 0 closed, 1 half-open, 2 open").tag("target", target).register(registry);
        return new PerTarget(meters.deliveredCount(), meters.retriedCount(), meters.deadLetteredCount(), meters.latency(), state);
    }

    /** Meters without a circuit gauge: the subscribers' together, under one name. */
    public PerTarget forTarget(String target) {
        return new PerTarget(
                Counter.builder("coursewire.deliveries.delivered").description("Deliveries a target accepted (2xx, file written)")
                        .tag("target", target).register(registry),
                Counter.builder("coursewire.deliveries.retried").description("Failed attempts scheduled again")
                        .tag("target", target).register(registry),
                Counter.builder("coursewire.deliveries.dead.lettered").description("Deliveries moved to the dead-letter store")
                        .tag("target", target).register(registry),
                Timer.builder("coursewire.delivery.latency").description("From the event's accept to its delivery to the target")
                        .tag("target", target).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofHours(8)).register(registry), null);
    }

    /** A removed target's meters go with it. */
    public void remove(PerTarget meters) {
        registry.remove(meters.deliveredCount());
        registry.remove(meters.retriedCount());
        registry.remove(meters.deadLetteredCount());
        registry.remove(meters.latency());
        if (meters.circuitState() != null) {
            registry.remove(meters.circuitState());
        }
    }

    public record PerTarget(Counter deliveredCount, Counter retriedCount, Counter deadLetteredCount, Timer latency, Gauge circuitState) {
        void delivered(long latencyMillis) {
            deliveredCount.increment();
            latency.record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
        }

        void retried() {
            retriedCount.increment();
        }

        void deadLettered() {
            deadLetteredCount.increment();
        }
    }
}

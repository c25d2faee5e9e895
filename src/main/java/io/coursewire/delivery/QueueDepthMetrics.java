package io.coursewire.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;


import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.targets.TargetRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code coursewire_queue_depth{queue}}: messages waiting on the events channel, on each active target's
 * delivery queue (scheduled retries included), on the subscribers' shared queue and on the broker's
 * dead-letter queue, read from the
 * embedded broker. With an external broker
 * the gauges read NaN: its own metrics are the source there.
 */
@Singleton
public class QueueDepthMetrics {

    /** The per-target gauges, by target name: they come and go with the targets. */
    private final Map<String, Gauge> perTarget = new ConcurrentHashMap<>();

    void register(@Observes StartupEvent start, MeterRegistry registry, EmbeddedBroker broker, TargetRegistry targets) {
        gauge(registry, broker, Channels.EVENTS);
        // Deliveries parked there because the dead-letter store refused them (see DeliveryOutcomes).
        gauge(registry, broker, Channels.DEAD_LETTERS);
        // Every subscriber's deliveries, held and scheduled ones included: one queue for all of them.
        gauge(registry, broker, Channels.SUBSCRIBER_DELIVERIES);
        follow(registry, broker, targets.active());
        targets.listen(new TargetRegistry.Listener() {
            @Override
            public void applied(TargetRegistry.Active previous, TargetRegistry.Active current) {
                follow(registry, broker, current);
            }
        });
    }

    private synchronized void follow(MeterRegistry registry, EmbeddedBroker broker, TargetRegistry.Active active) {
        perTarget.entrySet().removeIf(e -> {
            boolean gone = !active.byName().containsKey(e.getKey());
            if (gone) {
                registry.remove(e.getValue());
            }
            return gone;
        });
        for (String name : active.byName().keySet()) {
            perTarget.computeIfAbsent(name, n -> gauge(registry, broker, Channels.deliveryQueue(n)));
        }
    }

    private static Gauge gauge(MeterRegistry registry, EmbeddedBroker broker, String queue) {
        return Gauge.builder("coursewire.queue.depth", broker, b -> b.waiting(queue))
                .description("Messages waiting on a broker queue, scheduled retries included")
                .tag("queue", queue).register(registry);
    }
}

package io.coursewire.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;


import io.coursewire.channel.Channels;
import io.coursewire.channel.QueueDepths;
import io.coursewire.targets.TargetRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code coursewire_queue_depth{queue}}: messages waiting on the events channel, on each active target's
 * delivery queue (scheduled retries included), on the subscribers' shared queue and on the broker's
 * dead-letter queue, read from the
 * broker every instance shares ({@link QueueDepths}): each instance reports the same depths.
 */
@Singleton
public class QueueDepthMetrics {

    /** The per-target gauges, by target name: they come and go with the targets. */
    private final Map<String, Gauge> perTarget = new ConcurrentHashMap<>();

    void register(@Observes StartupEvent start, MeterRegistry registry, QueueDepths depths, TargetRegistry targets) {
        gauge(registry, depths, Channels.EVENTS);
        // Deliveries parked there because the dead-letter store refused them (see DeliveryOutcomes).
        gauge(registry, depths, Channels.DEAD_LETTERS);
        // Every subscriber's deliveries, held and scheduled ones included: one queue for all of them.
        gauge(registry, depths, Channels.SUBSCRIBER_DELIVERIES);
        follow(registry, depths, targets.active());
        targets.listen(new TargetRegistry.Listener() {
            @Override
            public void applied(TargetRegistry.Active previous, TargetRegistry.Active current) {
                follow(registry, depths, current);
            }
        });
    }

    private synchronized void follow(MeterRegistry registry, QueueDepths depths, TargetRegistry.Active active) {
        perTarget.entrySet().removeIf(e -> {
            boolean gone = !active.byName().containsKey(e.getKey());
            if (gone) {
                registry.remove(e.getValue());
            }
            return gone;
        });
        for (String name : active.byName().keySet()) {
            perTarget.computeIfAbsent(name, n -> gauge(registry, depths, Channels.deliveryQueue(n)));
        }
    }

    private static Gauge gauge(MeterRegistry registry, QueueDepths depths, String queue) {
        return Gauge.builder("coursewire.queue.depth", depths, b -> b.waiting(queue))
                .description("Messages waiting on a broker queue, scheduled retries included")
                .tag("queue", queue).register(registry);
    }
}

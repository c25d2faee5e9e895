package io.coursewire.delivery;

import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;

/**
 * Deliveries not yet made, by target name: the messages on each target's queue, waiting retries
 * included. A removed target's queue keeps its deliveries, so this also lists targets that are no
 * longer in the file (§4). Read from the embedded broker; empty with an external one.
 */
@Singleton
public class PendingDeliveries {

    private final EmbeddedBroker broker;

    @Inject
    public PendingDeliveries(EmbeddedBroker broker) {
        this.broker = broker;
    }

    public Map<String, Long> byTarget() {
        Map<String, Long> pending = new TreeMap<>();
        broker.waitingByPrefix(Channels.DELIVERY_PREFIX)
                .forEach((queue, count) -> pending.put(queue.substring(Channels.DELIVERY_PREFIX.length()), count));
        return pending;
    }

    /** Deliveries to REST Hook subscribers waiting on their shared queue (held and scheduled ones included). */
    public long subscribers() {
        double waiting = broker.waiting(Channels.SUBSCRIBER_DELIVERIES);
        return Double.isNaN(waiting) ? 0 : (long) waiting;
    }
}

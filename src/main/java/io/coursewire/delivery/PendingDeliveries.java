package io.coursewire.delivery;

import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.channel.Channels;
import io.coursewire.channel.QueueDepths;

/**
 * Deliveries not yet made, by target name: the messages on each target's queue, waiting retries
 * included. A removed target's queue keeps its deliveries, so this also lists targets that are no
 * longer in the file (§4). Read from the broker every instance shares ({@link QueueDepths}).
 */
@Singleton
public class PendingDeliveries {

    private final QueueDepths depths;

    @Inject
    public PendingDeliveries(QueueDepths depths) {
        this.depths = depths;
    }

    public Map<String, Long> byTarget() {
        Map<String, Long> pending = new TreeMap<>();
        depths.waitingByPrefix(Channels.DELIVERY_PREFIX)
                .forEach((queue, count) -> pending.put(queue.substring(Channels.DELIVERY_PREFIX.length()), count));
        return pending;
    }

    /** Deliveries to REST Hook subscribers waiting on their shared queue (held and scheduled ones included). */
    public long subscribers() {
        double waiting = depths.waiting(Channels.SUBSCRIBER_DELIVERIES);
        return Double.isNaN(waiting) ? 0 : (long) waiting;
    }
}

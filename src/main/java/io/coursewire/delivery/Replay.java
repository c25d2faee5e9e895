package io.coursewire.delivery;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.DurableChannel;

/**
 * Sends an event to one target again, as a fresh delivery (attempts start again at 1): what the
 * admin API's replay calls do. The future completes once the delivery is durable on the broker.
 */
@Singleton
public class Replay {

    private final DurableChannel channel;

    @Inject
    public Replay(DurableChannel channel) {
        this.channel = channel;
    }

    /** {@code eventAcceptedAt}: when the event was first accepted, so the replay's attempts are recorded with the event's. */
    public CompletableFuture<Void> enqueue(String eventId, long eventAcceptedAt, String target, byte[] eventJson) {
        // A new generation: the replay is a delivery of its own, never taken for a duplicate of the first.
        String generation = "r-" + UUID.randomUUID();
        DeliveryRequest delivery = new DeliveryRequest(eventId, eventAcceptedAt, target, 1, generation, System.currentTimeMillis(),
                eventJson);
        return channel.send(List.of(delivery.toMessage(0)));
    }
}

package io.coursewire.delivery;

import java.util.concurrent.CompletableFuture;

import jakarta.inject.Singleton;

/**
 * Sends an event to one target again, as a fresh delivery (attempts start again at 1): what the
 * admin API's replay calls do. The future completes once the delivery is durable on the broker.
 */
@Singleton
public class Replay {

    public CompletableFuture<Void> enqueue(String eventId, String target, byte[] eventJson) {
        throw new UnsupportedOperationException("not wired yet");
    }
}

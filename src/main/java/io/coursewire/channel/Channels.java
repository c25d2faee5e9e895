package io.coursewire.channel;

/** The broker addresses Coursewire uses. */
public final class Channels {

    /** Ingest → routing: every accepted canonical event, once. */
    public static final String EVENTS = "coursewire.events";

    /** Router → one target: each delivery (first attempt, scheduled retries, replays) of an event to it. */
    public static final String DELIVERY_PREFIX = "coursewire.delivery.";

    /** Message property: when ingest accepted the event (epoch millis), for accept→delivery latency. */
    public static final String ACCEPTED_AT = "acceptedAt";

    public static String deliveryQueue(String target) {
        return DELIVERY_PREFIX + target;
    }

    /** The broker's own dead-letter and expiry queues (unused by routing, which retries forever). */
    public static final String DEAD_LETTERS = "DLQ";
    public static final String EXPIRED = "ExpiryQueue";

    private Channels() {
    }
}

package io.coursewire.channel;

/** The broker addresses Coursewire uses. */
public final class Channels {

    /** Ingest → routing: every accepted canonical event, once. */
    public static final String EVENTS = "coursewire.events";

    /** Router → one target: each delivery (first attempt, scheduled retries, replays) of an event to it. */
    public static final String DELIVERY_PREFIX = "coursewire.delivery.";

    /** Message property: when ingest accepted the event (epoch millis), for accept→delivery latency. */
    public static final String ACCEPTED_AT = "acceptedAt";

    /**
     * Router → every REST Hook subscriber: one queue, shared, however many subscriptions there are (a
     * queue each would ask for a consumer each). Consumed by the subscriber dispatcher, which keeps each
     * subscriber's deliveries apart in memory.
     */
    public static final String SUBSCRIBER_DELIVERIES = "coursewire.subscriber-deliveries";

    /**
     * A static target's own queue, or the subscribers' shared one: a static target's name never has a
     * colon (the targets file refuses it), a subscription's always does ({@code subscription:<id>}).
     */
    public static String deliveryQueue(String target) {
        return target.indexOf(':') >= 0 ? SUBSCRIBER_DELIVERIES : DELIVERY_PREFIX + target;
    }

    /** The broker's own dead-letter and expiry queues (unused by routing, which retries forever). */
    public static final String DEAD_LETTERS = "DLQ";
    public static final String EXPIRED = "ExpiryQueue";

    private Channels() {
    }
}

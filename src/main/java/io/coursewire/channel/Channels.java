package io.coursewire.channel;

/** The broker addresses Coursewire uses. */
public final class Channels {

    /** Ingest → routing: every accepted canonical event, once. */
    public static final String EVENTS = "coursewire.events";

    /** The broker's own dead-letter and expiry queues (unused by routing, which retries forever). */
    public static final String DEAD_LETTERS = "DLQ";
    public static final String EXPIRED = "ExpiryQueue";

    private Channels() {
    }
}

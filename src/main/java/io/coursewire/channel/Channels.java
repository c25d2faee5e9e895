package io.coursewire.channel;

/** The broker addresses Coursewire uses. */
public final class Channels {

    /** Ingest → routing: every accepted canonical event, once. */
    public static final String EVENTS = "coursewire.events";

    private Channels() {
    }
}

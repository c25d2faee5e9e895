package io.coursewire.accept;

import io.coursewire.canonical.CanonicalEvent;

/** What a Translator makes of an authentic vendor event. */
public sealed interface Translation {

    /** A mapped event: one canonical event to accept and route. */
    record Mapped(CanonicalEvent event) implements Translation {
    }

    /** An authentic event of a kind Coursewire does not map: answered 202 {@code "ignored": true}, routed nowhere. */
    record Ignored(String vendor, String vendorEvent) implements Translation {
    }
}

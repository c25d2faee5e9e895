package io.coursewire.accept;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;

/** Closes the front door on shutdown: from then on ingest answers 503 and vendors retry later. */
@Singleton
public class IngestGate {

    private volatile boolean open = true;

    public boolean isOpen() {
        return open;
    }

    void close(@Observes ShutdownEvent event) {
        open = false;
    }
}

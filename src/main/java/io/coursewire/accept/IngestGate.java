package io.coursewire.accept;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Closes the front door when the process is asked to stop: from the signal on, ingest answers 503
 * with {@code Retry-After} (and readiness reports DOWN) while accepts already in flight finish.
 * A JVM shutdown hook closes it at the signal itself, before Quarkus begins its own shutdown.
 */
@Singleton
public class IngestGate {

    private volatile boolean open = true;

    public boolean isOpen() {
        return open;
    }

    void onStart(@Observes StartupEvent event) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> open = false, "ingest-gate-close"));
    }

    void onStop(@Observes ShutdownEvent event) {
        open = false;
    }
}

package io.coursewire.startup;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.accept.IdempotentReceiver;
import io.coursewire.channel.EmbeddedBroker;
import io.vertx.ext.web.Router;

/**
 * The two slow parts of a start, each on its own thread, while the main thread bootstraps Camel and
 * builds the routes: the embedded broker loading its journal (about 1 s with a busy history), and
 * the Idempotent Receiver, whose event log first opens the database and migrates it ({@code
 * io.coursewire.eventlog.Migrations}), then reads its window of ids (about 1 s for 100,000). One
 * after the other on the main thread they were most of the start after the first log line.
 *
 * <p>They begin when Quarkus sets up the HTTP router, before any other observer of that event: the
 * earliest event of the runtime start with the runtime configuration in place. Nothing else changes: both are
 * singletons, so whoever needs one on the main thread waits for its creation here to finish instead of
 * beginning another, and should it have failed here, ArC creates it again there, where the failure
 * stops the start as before.
 */
@Singleton
class ParallelStart {

    private static final Logger LOG = Logger.getLogger(ParallelStart.class);

    // First among the router's observers: the vendor routes' own observer needs both beans, and would
    // otherwise create them on the main thread before these threads began.
    void begin(@Observes @Priority(1) Router router, Provider<EmbeddedBroker> broker, Provider<IdempotentReceiver> receiver) {
        for (Provider<?> bean : List.of(broker, receiver)) {
            Thread thread = new Thread(() -> create(bean), "parallel-start");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void create(Provider<?> bean) {
        try {
            bean.get();
        } catch (RuntimeException e) {
            LOG.debug("A bean created in parallel with the start failed; the main thread creates it again and reports it", e);
        }
    }
}

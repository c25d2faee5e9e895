package io.coursewire.startup;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.accept.IdempotentReceiver;
import io.coursewire.channel.EmbeddedBroker;
import org.apache.camel.quarkus.main.events.BeforeInitialize;

import io.vertx.ext.web.Router;

/**
 * The two slow parts of a start, each on its own thread, while the main thread bootstraps Camel and
 * builds the routes: the embedded broker loading its journal (about 1 s with a busy history), and
 * the Idempotent Receiver, whose event log first opens the database and migrates it ({@code
 * io.coursewire.eventlog.Migrations}), then reads its window of ids (about 1 s for 100,000). One
 * after the other on the main thread they were most of the start after the first log line.
 *
 * <p>They begin at the first of two events of the runtime start, both with the runtime configuration in
 * place: Quarkus setting up the HTTP router (before any other observer of it) or Camel's bootstrap
 * beginning (before it collects the route builders, which need the broker). Which of the two comes first
 * depends on the build's order of steps, and it has changed between builds: with only the router's event
 * the main thread had created both beans, for Camel, before these threads began. The console's pages and
 * the delivery outcomes are created at their first use for the same reason (they need the database). Nothing else changes:
 * both are singletons, so whoever needs one on the main thread waits for its creation here to finish
 * instead of beginning another, and should it have failed here, ArC creates it again there, where the
 * failure stops the start as before.
 */
@Singleton
class ParallelStart {

    private static final Logger LOG = Logger.getLogger(ParallelStart.class);

    private final AtomicBoolean begun = new AtomicBoolean();

    // Whichever comes first: the order of Quarkus' HTTP set-up and Camel's bootstrap is the build's, not
    // ours. First among the router's observers: the console's and the vendor routes' own observers need
    // these beans, and would otherwise create them on the main thread before these threads began.
    void beforeRouter(@Observes @Priority(1) Router router, Provider<EmbeddedBroker> broker, Provider<IdempotentReceiver> receiver) {
        begin(broker, receiver);
    }

    // Camel's bootstrap collects the route builders, and the delivery routes need the broker.
    void beforeCamel(@Observes BeforeInitialize camelMain, Provider<EmbeddedBroker> broker, Provider<IdempotentReceiver> receiver) {
        begin(broker, receiver);
    }

    private void begin(Provider<EmbeddedBroker> broker, Provider<IdempotentReceiver> receiver) {
        if (!begun.compareAndSet(false, true)) {
            return;
        }
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

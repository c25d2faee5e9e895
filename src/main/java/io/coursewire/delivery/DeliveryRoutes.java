package io.coursewire.delivery;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetKinds;
import io.coursewire.targets.TargetRegistry;

/**
 * Guaranteed Delivery, one route per target: each consumes its own durable queue, so a slow or failing
 * target only ever delays itself. A message is acknowledged when its attempt has an outcome —
 * delivered, scheduled again, or dead-lettered — so a crash mid-attempt redelivers it (at least once).
 * Each route reads, top to bottom: take the delivery, let the target's kind deliver it, record the
 * outcome.
 *
 * <p>The routes follow the {@link TargetRegistry}, on a thread of their own so that a change to the file is
 * never held up by a route stopping: a target that appears gets its route, added to the running Camel context; one that disappears has its route stopped (an attempt under way finishes) and
 * removed, and its meters go with it. Its queue stays, with its pending deliveries and the retries
 * waiting on the broker: nothing is lost or dead-lettered, and they resume when a target of that name
 * comes back. A changed target keeps its route: each attempt looks the target up by name. Camel routes
 * rather than consumers of our own, because the route already is the consumer we want (JMS client
 * acknowledgement, reconnection with {@code recoveryInterval}, concurrent consumers, graceful stop that
 * waits for the exchange in flight) and shows in Camel's own management and health.
 */
@ApplicationScoped
public class DeliveryRoutes extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(DeliveryRoutes.class);
    /** How long a removed target's attempt under way may take to finish before its route is stopped anyway. */
    private static final long STOP_TIMEOUT_SECONDS = 30;

    @Inject
    CoursewireConfig config;
    @Inject
    TargetRegistry targets;
    @Inject
    TargetKinds kinds;
    @Inject
    DeliveryOutcomes outcomes;
    @Inject
    CircuitBreakers circuits;
    @Inject
    DeliveryMetrics metrics;

    /** Route changes, one at a time and in order, each toward the set in force when it runs. */
    private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "delivery-routes");
        t.setDaemon(true);
        return t;
    });
    /** The routes running now, by target name, with their meters. */
    private final Map<String, DeliveryMetrics.PerTarget> running = new ConcurrentHashMap<>();

    @Override
    public void configure() throws Exception {
        for (Target target : targets.all()) {
            define(this, target.name());
        }
        targets.listen(new TargetRegistry.Listener() {
            @Override
            public void applied(TargetRegistry.Active previous, TargetRegistry.Active current) {
                // Off the registry's thread: stopping a route waits for its attempt under way (up to
                // STOP_TIMEOUT_SECONDS), and the next change to the file must not wait for that.
                changes.execute(() -> follow(targets.active().byName().keySet()));
            }
        });
    }

    @PreDestroy
    void stopFollowing() {
        changes.shutdownNow();
    }

    private synchronized void follow(Set<String> names) {
        for (String name : Set.copyOf(running.keySet())) {
            if (!names.contains(name)) {
                remove(name);
            }
        }
        Set<String> added = new HashSet<>(names);
        added.removeAll(running.keySet());
        for (String name : added) {
            try {
                getContext().addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        define(this, name);
                    }
                });
                LOG.infof("Delivery route for target %s started", name);
            } catch (Exception e) {
                LOG.errorf("Delivery route for target %s could not be started: %s", name, e.toString());
            }
        }
    }

    private void define(RouteBuilder builder, String name) {
        String queue = Channels.deliveryQueue(name);
        CircuitBreakers.Circuit circuit = circuits.of(name);
        DeliveryMetrics.PerTarget meters = metrics.forTarget(name, circuit);
        DeliveryAttempt attempt = new DeliveryAttempt(name, targets, kinds, outcomes, circuit, meters);
        running.put(name, meters);
        builder.from("jms:queue:" + queue
                + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers=" + concurrency(name)
                + "&recoveryInterval=1000&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false")
                .routeId(routeId(name))
                .process(attempt::begin)
                .doTry()
                    .process(attempt::deliver)
                    .process(attempt::succeeded)
                .doCatch(Exception.class)
                    .process(attempt::failed)
                .end();
    }

    /** As the target's kind asks ({@link io.coursewire.targets.TargetKind#concurrency}), when the route is made. */
    private int concurrency(String name) {
        int configured = config.delivery().consumers();
        return targets.byName(name).map(t -> kinds.concurrency(t, configured)).orElse(configured);
    }

    private void remove(String name) {
        String id = routeId(name);
        try {
            getContext().getRouteController().stopRoute(id, STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            getContext().removeRoute(id);
            LOG.infof("Delivery route for target %s removed; its pending deliveries stay on %s", name, Channels.deliveryQueue(name));
        } catch (Exception e) {
            LOG.errorf("Delivery route for target %s could not be removed: %s", name, e.toString());
        }
        DeliveryMetrics.PerTarget meters = running.remove(name);
        if (meters != null) {
            metrics.remove(meters);
        }
        circuits.forget(name);
    }

    static String routeId(String target) {
        return "deliver-" + target;
    }
}

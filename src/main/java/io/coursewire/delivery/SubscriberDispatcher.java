package io.coursewire.delivery;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.Message;
import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.IndividualAckConsumer;
import io.coursewire.targets.DeliveryFailedException;
import io.coursewire.targets.HttpDelivery;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.OutboundEvent;
import io.coursewire.targets.PrivateNetworkGuard;
import io.coursewire.targets.Subscription;
import io.coursewire.targets.Subscriptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Guaranteed Delivery to every REST Hook subscriber, thousands of them, with a fixed number of threads:
 * one shared queue ({@link Channels#SUBSCRIBER_DELIVERIES}) taken by {@code coursewire.subscriptions.consumers}
 * sessions, each message acknowledged on its own once its outcome is stored ({@link IndividualAckConsumer}),
 * and every attempt an asynchronous HTTP request ({@link HttpDelivery#send}) that holds no thread while it
 * waits. A route per subscriber, as static targets have, would hold a consumer and its threads for each.
 *
 * <p>Each subscriber is kept apart in memory instead: at most {@code coursewire.subscriptions.concurrency}
 * of its deliveries are under way at once, the next ones wait in its own line (up to {@value #MAX_WAITING}),
 * and what comes beyond that goes back on the broker for a second. So a subscriber that hangs holds its
 * own slots and its own line, never a thread, and delays no other; {@code max-in-flight} bounds the
 * messages out over all subscribers. Its {@link CircuitBreakers circuit} is asked before each attempt;
 * an open circuit puts the delivery back on the broker until the next probe. The address of the
 * subscriber's host is checked again before each attempt ({@link PrivateNetworkGuard}); a refusal fails
 * the attempt like a connection error. A subscriber that answers 410 Gone is unsubscribed, and what is
 * still on its way to it is dropped: a deleted subscription receives nothing more.
 *
 * <p>What follows an attempt (records, a scheduled retry, a dead letter) runs on {@value #OUTCOME_THREADS}
 * threads of its own, off the event loop where the answer arrives: storing a retry waits for the broker.
 */
@Singleton
public class SubscriberDispatcher {

    private static final Logger LOG = Logger.getLogger(SubscriberDispatcher.class);
    /** A subscriber's deliveries waiting in memory for one of its slots, at most; more go back on the broker. */
    static final int MAX_WAITING = 128;
    /** How long a delivery that found its subscriber's line full waits on the broker before coming back. */
    private static final long LINE_FULL_DELAY_MILLIS = 1_000;
    private static final int OUTCOME_THREADS = 2;
    /** How long an outcome that could not be stored (broker or database away) waits before it is tried again. */
    private static final long OUTCOME_RETRY_MILLIS = 1_000;

    private final CoursewireConfig config;
    private final DurableChannel channel;
    private final Subscriptions subscriptions;
    private final HttpDelivery http;
    private final PrivateNetworkGuard guard;
    private final CircuitBreakers circuits;
    private final DeliveryOutcomes outcomes;
    private final DeliveryMetrics.PerTarget metrics;
    private final ExecutorService outcomeWorkers;
    private final java.util.concurrent.ScheduledExecutorService later;
    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    private final int concurrency;
    private volatile IndividualAckConsumer consumer;

    @Inject
    public SubscriberDispatcher(CoursewireConfig config, DurableChannel channel, Subscriptions subscriptions, HttpDelivery http,
            PrivateNetworkGuard guard, CircuitBreakers circuits, DeliveryOutcomes outcomes, DeliveryMetrics metrics, MeterRegistry meters) {
        this.config = config;
        this.channel = channel;
        this.subscriptions = subscriptions;
        this.http = http;
        this.guard = guard;
        this.circuits = circuits;
        this.outcomes = outcomes;
        this.metrics = metrics.forTarget(Subscription.TARGET_PREFIX + "*");
        this.concurrency = Math.max(1, config.subscriptions().concurrency());
        this.outcomeWorkers = new ThreadPoolExecutor(OUTCOME_THREADS, OUTCOME_THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "subscriber-outcomes"));
        this.later = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "subscriber-outcomes-later"));
        Gauge.builder("coursewire.subscriptions.deliveries.outstanding", this, SubscriberDispatcher::outstanding)
                .description("Subscriber deliveries taken from the broker and not yet settled (at most coursewire.subscriptions.max-in-flight)")
                .register(meters);
    }

    void start(@Observes StartupEvent started) throws Exception {
        channel.ensureQueue(Channels.SUBSCRIBER_DELIVERIES);
        consumer = channel.consumeIndividually("subscriber-deliveries", Channels.SUBSCRIBER_DELIVERIES, config.subscriptions().consumers(),
                config.subscriptions().maxInFlight(), this::dispatch);
    }

    /** Deliveries taken from the broker and not yet settled (under way, waiting in a line, or being put back). */
    int outstanding() {
        IndividualAckConsumer c = consumer;
        return c == null ? 0 : c.unacknowledged();
    }

    /** On a consumer session's thread: never blocks. */
    private void dispatch(IndividualAckConsumer.Received message) {
        DeliveryRequest delivery;
        try {
            delivery = DeliveryRequest.fromProperties(message::property, message.body());
        } catch (RuntimeException unreadable) {
            park(message, unreadable);
            return;
        }
        if (subscriptions.target(delivery.target()).isEmpty()) {
            LOG.debugf("Subscription %s is gone; its delivery of %s is dropped", delivery.target(), delivery.eventId());
            message.acknowledge();
            return;
        }
        Pending pending = new Pending(delivery, message);
        Offered offered;
        do {
            offered = lines.computeIfAbsent(delivery.target(), Line::new).offer(pending);
        } while (offered == Offered.RETIRED); // emptied and left the map meanwhile: its successor takes it
        if (offered == Offered.FULL) {
            putBack(pending, System.currentTimeMillis() + LINE_FULL_DELAY_MILLIS);
        }
    }

    /** Starts one delivery in its subscriber's slot; ends by {@link Line#release}, whatever happens. */
    private void attempt(Line line, Pending pending) {
        DeliveryRequest delivery = pending.delivery();
        HttpTarget target = subscriptions.target(delivery.target()).orElse(null);
        if (target == null || outcomes.erased(delivery)) {
            pending.message().acknowledge(); // unsubscribed, or its event erased, in the meantime
            line.release();
            return;
        }
        CircuitBreakers.Circuit circuit = circuits.of(delivery.target());
        CircuitBreakers.Admission admission = circuit.admit(System.currentTimeMillis());
        if (!admission.go()) {
            putBack(pending, admission.holdUntil());
            line.release();
            return;
        }
        long started = System.nanoTime();
        OutboundEvent event = new OutboundEvent(delivery.eventId(), delivery.json());
        guard.addressForDelivery(target.url())
                .thenCompose(address -> http.send(target, event, address))
                .whenComplete((status, failure) -> outcomeWorkers.execute(() -> settle(line, pending, circuit, admission.probe(), status,
                        failure == null ? null : unwrap(failure), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
    }

    /** On an outcome thread: records the outcome, then acknowledges the message and frees the slot. */
    private void settle(Line line, Pending pending, CircuitBreakers.Circuit circuit, boolean probe, Integer status, Exception failure,
            long elapsedMillis) {
        DeliveryRequest delivery = pending.delivery();
        try {
            if (failure == null) {
                circuit.succeeded();
                outcomes.succeeded(delivery, status, elapsedMillis, metrics);
            } else if (failure instanceof DeliveryFailedException gone && gone.status() != null && gone.status() == 410) {
                Subscription.idOf(delivery.target()).ifPresent(subscriptions::unsubscribe); // its circuit goes with it (SubscriptionCircuits)
                outcomes.unsubscribed(delivery, gone, elapsedMillis);
                LOG.infof("Subscriber %s answered 410 Gone and is unsubscribed", delivery.target());
            } else {
                circuit.failed(probe, System.currentTimeMillis());
                outcomes.failed(delivery, failure, elapsedMillis, metrics);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // shutting down: unacknowledged, the broker delivers it again
        } catch (Exception e) {
            // The outcome could not be stored (broker or database away): the attempt's result is kept and stored again later.
            LOG.debugf("The outcome of %s could not be stored yet (%s); trying again", delivery.key(), e.toString());
            later.schedule(() -> outcomeWorkers.execute(() -> settle(line, pending, circuit, probe, status, failure, elapsedMillis)),
                    OUTCOME_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        pending.message().acknowledge();
        line.release();
    }

    /** Back on the broker, due at {@code until}, as the same attempt; the message is acknowledged once that is stored. */
    private void putBack(Pending pending, long until) {
        outcomes.hold(pending.delivery(), until).whenComplete((ok, failure) -> {
            if (failure == null) {
                pending.message().acknowledge();
            } else {
                // Not acknowledged: the broker delivers the original again when the session is next opened.
                LOG.debugf("A held delivery of %s could not be put back (%s)", pending.delivery().key(), failure.toString());
            }
        });
    }

    /**
     * A message that is not a delivery (its properties are missing or wrong) names no subscriber to try:
     * it goes to the broker's dead-letter queue with the reason, for an operator to look at, and only then
     * is acknowledged. Left unacknowledged it would stay out for good, one of max-in-flight lost each time.
     */
    private void park(IndividualAckConsumer.Received message, RuntimeException why) {
        String reason = "not a subscriber delivery: " + why.getClass().getSimpleName();
        LOG.errorf("A message on %s is %s; parked on the broker's dead-letter queue %s", Channels.SUBSCRIBER_DELIVERIES, reason,
                Channels.DEAD_LETTERS);
        channel.send(List.of(new DurableChannel.Outgoing(Channels.DEAD_LETTERS, null, message.body(),
                Map.of(DeliveryOutcomes.PARKED_REASON, reason, Message.HDR_ORIGINAL_QUEUE.toString(), Channels.SUBSCRIBER_DELIVERIES), 0)))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        message.acknowledge();
                    }
                });
    }

    private static Exception unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof Exception e ? e : new RuntimeException(cause);
    }

    /** Stopped on shutdown, before the broker: attempts under way may finish and be acknowledged first. */
    void stopOnShutdown(@Observes ShutdownEvent stopping) throws InterruptedException {
        stop();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (consumer != null) {
            consumer.close(config.delivery().timeout().toMillis() + 1_000);
            consumer = null;
        }
        later.shutdownNow();
        outcomeWorkers.shutdown();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private enum Offered {
        TAKEN, FULL, RETIRED
    }

    private record Pending(DeliveryRequest delivery, IndividualAckConsumer.Received message) {
    }

    /**
     * One subscriber's deliveries in memory: those under way (at most {@link #concurrency}) and those
     * waiting for a slot, in the order they were taken. It leaves the map when it has neither.
     */
    private final class Line {
        private final String target;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private int underWay;
        private boolean retired;

        Line(String target) {
            this.target = target;
        }

        /** Starts the delivery if a slot is free, else lines it up. */
        Offered offer(Pending pending) {
            synchronized (this) {
                if (retired) {
                    return Offered.RETIRED;
                }
                if (underWay >= concurrency) {
                    if (waiting.size() >= MAX_WAITING) {
                        return Offered.FULL;
                    }
                    waiting.add(pending);
                    return Offered.TAKEN;
                }
                underWay++;
            }
            attempt(this, pending);
            return Offered.TAKEN;
        }

        /** A slot is free: the next waiting delivery takes it, or the line leaves the map when it is empty. */
        void release() {
            Pending next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    underWay--;
                    if (underWay == 0) {
                        retired = true;
                        lines.remove(target, this);
                    }
                    return;
                }
            }
            attempt(this, next);
        }
    }
}

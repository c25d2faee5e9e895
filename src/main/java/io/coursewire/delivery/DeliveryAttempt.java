package io.coursewire.delivery;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.coursewire.canonical.Times;
import io.coursewire.channel.DurableChannel;
import io.coursewire.routing.RoutedEvent;
import io.coursewire.targets.FileTarget;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.Target;

/**
 * One attempt to deliver one event to one target, and what follows from its outcome: success is
 * recorded; a failure is recorded and either scheduled again on the broker after the backoff delay
 * (a scheduled message: the waiting retry holds no thread and survives a restart) or, when attempts
 * are exhausted or the target answered 410, moved to the dead-letter store. The steps are the
 * processors of the target's delivery route ({@link DeliveryRoutes}).
 */
public final class DeliveryAttempt {

    private static final Logger LOG = Logger.getLogger(DeliveryAttempt.class);
    private static final String DELIVERY = "coursewire.delivery";
    private static final String STARTED = "coursewire.delivery.started";

    private final Target target;
    private final HttpDelivery http;
    private final DurableChannel channel;
    private final DeliveryRecords records;
    private final Backoff backoff;
    private final DeliveryMetrics.PerTarget metrics;

    DeliveryAttempt(Target target, HttpDelivery http, DurableChannel channel, DeliveryRecords records, Backoff backoff,
            DeliveryMetrics.PerTarget metrics) {
        this.target = target;
        this.http = http;
        this.channel = channel;
        this.records = records;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /** Reads the delivery from the message, and leaves only what the target's endpoint needs on it. */
    void begin(Exchange exchange) {
        byte[] json = exchange.getMessage().getBody(byte[].class);
        DeliveryRequest delivery = DeliveryRequest.fromHeaders(exchange.getMessage().getHeaders(), json);
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(json);
        if (target instanceof FileTarget) {
            RoutedEvent event = RoutedEvent.parse(json);
            exchange.getMessage().setHeader(Exchange.FILE_NAME,
                    Times.compactUtc(event.time()) + "_" + event.vendor() + "_" + event.id() + ".json");
        }
    }

    /** The HTTP target's call; throws {@link DeliveryFailedException} for anything but 2xx. */
    void post(Exchange exchange) throws Exception {
        exchange.setProperty(Exchange.HTTP_RESPONSE_CODE, http.post((HttpTarget) target, delivery(exchange)));
    }

    void succeeded(Exchange exchange) throws InterruptedException {
        DeliveryRequest delivery = delivery(exchange);
        Integer status = exchange.getProperty(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        records.attempt(delivery, Instant.now(), elapsedMillis(exchange), status, null, DeliveryRecords.Outcome.DELIVERED);
        metrics.delivered(System.currentTimeMillis() - delivery.requestedAt());
    }

    /**
     * After a failed attempt. If the retry cannot be stored (the broker is down) this throws, and the
     * broker redelivers the message, so the attempt is made again rather than lost.
     */
    void failed(Exchange exchange) throws Exception {
        DeliveryRequest delivery = delivery(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer status = cause instanceof DeliveryFailedException f ? f.status() : null;
        String error = describe(cause);
        boolean gone = cause instanceof DeliveryFailedException f && f.permanent();
        if (gone || backoff.exhaustedAfter(delivery.attempt())) {
            records.attempt(delivery, Instant.now(), elapsedMillis(exchange), status, error, DeliveryRecords.Outcome.DEAD);
            records.deadLetter(delivery, status, error);
            metrics.deadLettered();
            LOG.warnf("Delivery of %s to target %s dead-lettered after %d attempt(s): %s", delivery.eventId(), target.name(),
                    delivery.attempt(), error);
            return;
        }
        long delay = backoff.delayAfter(delivery.attempt()).toMillis();
        try {
            channel.send(List.of(delivery.nextAttempt().toMessage(System.currentTimeMillis() + delay))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("retry of " + delivery.key() + " could not be scheduled", e);
        }
        records.attempt(delivery, Instant.now(), elapsedMillis(exchange), status, error, DeliveryRecords.Outcome.RETRYING);
        metrics.retried();
        LOG.debugf("Delivery of %s to target %s failed (attempt %d: %s); next attempt in %d ms", delivery.eventId(),
                target.name(), delivery.attempt(), error, delay);
    }

    private static DeliveryRequest delivery(Exchange exchange) {
        return exchange.getProperty(DELIVERY, DeliveryRequest.class);
    }

    private static long elapsedMillis(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** What an operator reads as the last error: the outcome, never a stack trace or a secret. */
    static String describe(Exception e) {
        if (e == null) {
            return "unknown failure";
        }
        if (e instanceof DeliveryFailedException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}

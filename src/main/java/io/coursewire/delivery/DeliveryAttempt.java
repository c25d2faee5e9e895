package io.coursewire.delivery;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

import io.coursewire.channel.Channels;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.DurableChannel;
import io.coursewire.eventlog.SqlFailures;
import io.coursewire.targets.DeliveryFailedException;
import io.coursewire.targets.OutboundEvent;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetKinds;
import io.coursewire.targets.TargetRegistry;

/**
 * One attempt to deliver one event to one target, and what follows from its outcome: success is
 * recorded; a failure is recorded and either scheduled again on the broker after the backoff delay
 * (a scheduled message: the waiting retry holds no thread and survives a restart) or, when attempts
 * are exhausted or the target answered 410, moved to the dead-letter store. The steps are the
 * processors of the target's delivery route ({@link DeliveryRoutes}); the target's own kind makes the
 * attempt.
 *
 * <p>When the dead-letter store refuses the row, what happens depends on why ({@link SqlFailures}):
 * <ul>
 * <li>a failure of the database that can pass (connection, timeout, rolled-back transaction, and any
 * failure it does not name as the row's own): this throws, the message is not acknowledged and the
 * broker redelivers it with backoff (1 s doubling to 60 s) until the database is back. Nothing is
 * lost, and a passing outage must not move deliveries out of Coursewire's own store;</li>
 * <li>a refusal of the row itself (SQLState class 22 data, 23 constraint, 42 syntax or access rule):
 * the same row fails the same way on every redelivery, so redelivering would only repeat the attempt
 * at the target (a 410 target would be posted to forever). The delivery is parked instead on the
 * broker's own Dead Letter Channel: its message, with its properties, the last status and error and
 * the reason, goes through the durable channel onto the dead-letter queue ({@link
 * Channels#DEAD_LETTERS}), then the original is acknowledged. It carries Artemis' original-queue
 * headers, so the broker's own "retry" puts it back on its delivery queue once the cause is fixed.
 * If the broker cannot take it either, this throws and the broker redelivers.</li>
 * </ul>
 */
public final class DeliveryAttempt {

    private static final Logger LOG = Logger.getLogger(DeliveryAttempt.class);
    private static final String DELIVERY = "coursewire.delivery";
    private static final String STARTED = "coursewire.delivery.started";
    private static final String TARGET = "coursewire.delivery.target";
    /** Properties of a delivery parked on the broker's dead-letter queue, beside its own. */
    static final String PARKED_REASON = "parkedReason";
    static final String LAST_STATUS = "lastStatus";
    static final String LAST_ERROR = "lastError";

    private final String targetName;
    private final TargetRegistry targets;
    private final TargetKinds kinds;
    private final DurableChannel channel;
    private final DeliveryRecords records;
    private final Backoff backoff;
    private final DeliveryMetrics.PerTarget metrics;

    DeliveryAttempt(String targetName, TargetRegistry targets, TargetKinds kinds, DurableChannel channel, DeliveryRecords records,
            Backoff backoff, DeliveryMetrics.PerTarget metrics) {
        this.targetName = targetName;
        this.targets = targets;
        this.kinds = kinds;
        this.channel = channel;
        this.records = records;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /**
     * Reads the delivery from the message and looks its target up as it is now (a changed URL, header or
     * secret applies to this attempt). The JMS properties are read by name from the JMS message itself;
     * asking Camel for its headers would first copy every property into a map (~10 KB per delivery).
     * A target removed a moment ago, whose route is being stopped: the exchange is rolled back, so the
     * message is not acknowledged and stays on the target's queue, pending, not attempted.
     */
    void begin(Exchange exchange) {
        Target target = targets.byName(targetName).orElse(null);
        if (target == null) {
            LOG.debugf("Target %s was removed; its delivery stays pending on its queue", targetName);
            exchange.setRollbackOnly(true);
            return;
        }
        exchange.setProperty(TARGET, target);
        org.apache.camel.Message received = exchange.getMessage();
        byte[] json = received.getBody(byte[].class);
        DeliveryRequest delivery = received instanceof JmsMessage jms && jms.getJmsMessage() != null
                ? DeliveryRequest.fromProperties(name -> property(jms.getJmsMessage(), name), json)
                : DeliveryRequest.fromHeaders(received.getHeaders(), json);
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(STARTED, System.nanoTime());
        DefaultMessage outgoing = new DefaultMessage(exchange);
        outgoing.setBody(json);
        exchange.setMessage(outgoing);
    }

    /** The target's kind delivers it; a {@link DeliveryFailedException} or any other failure fails the attempt. */
    void deliver(Exchange exchange) throws Exception {
        DeliveryRequest delivery = delivery(exchange);
        Integer status = kinds.deliver(exchange.getProperty(TARGET, Target.class), new OutboundEvent(delivery.eventId(), delivery.json()));
        if (status != null) {
            exchange.setProperty(Exchange.HTTP_RESPONSE_CODE, status);
        }
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
            try {
                records.deadLetter(delivery, status, error);
            } catch (SQLException e) {
                if (!SqlFailures.isPermanent(e)) {
                    throw e; // the database may come back: the broker redelivers this message with backoff
                }
                park(delivery, status, error, e);
                metrics.deadLettered();
                return;
            }
            metrics.deadLettered();
            LOG.warnf("Delivery of %s to target %s dead-lettered after %d attempt(s): %s", delivery.eventId(), targetName,
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
                targetName, delivery.attempt(), error, delay);
    }

    /**
     * Puts a delivery the dead-letter store refuses on the broker's dead-letter queue, on disk before
     * the original message is acknowledged. Its duplicate id makes a second park of the same delivery
     * (redelivered after a crash in between) a no-op.
     */
    private void park(DeliveryRequest delivery, Integer status, String error, SQLException refusal) throws InterruptedException {
        String reason = "the dead-letter store refused the row: " + SqlFailures.describe(refusal);
        DurableChannel.Outgoing original = delivery.toMessage(0);
        Map<String, Object> properties = new HashMap<>(original.properties());
        properties.put(PARKED_REASON, reason);
        properties.put(LAST_ERROR, error);
        if (status != null) {
            properties.put(LAST_STATUS, status);
        }
        // Where the broker's own retry of a dead-letter-queue message sends it back.
        properties.put(Message.HDR_ORIGINAL_ADDRESS.toString(), original.address());
        properties.put(Message.HDR_ORIGINAL_QUEUE.toString(), original.address());
        try {
            channel.send(List.of(new DurableChannel.Outgoing(Channels.DEAD_LETTERS, "parked:" + original.duplicateId(), delivery.json(),
                    properties, 0))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("dead letter of " + delivery.key() + " could be neither stored nor parked", e);
        }
        LOG.errorf("Delivery of %s to target %s (attempt %d: %s) could not be stored as a dead letter, %s; parked on the broker's"
                + " dead-letter queue %s with its properties and the reason", delivery.eventId(), targetName, delivery.attempt(), error,
                reason, Channels.DEAD_LETTERS);
    }

    private static Object property(jakarta.jms.Message message, String name) {
        try {
            return message.getObjectProperty(name);
        } catch (JMSException e) {
            return null;
        }
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

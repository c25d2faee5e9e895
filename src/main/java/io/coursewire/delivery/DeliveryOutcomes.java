package io.coursewire.delivery;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.Message;
import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.DurableChannel;
import io.coursewire.eventlog.SqlFailures;
import io.coursewire.targets.DeliveryFailedException;

/**
 * What follows from an attempt's outcome, for a static target's route and for the subscriber dispatcher
 * alike: success is recorded; a failure is recorded and either scheduled again on the broker after the
 * backoff delay (a scheduled message: the waiting retry holds no thread and survives a restart) or,
 * when attempts are exhausted or a static target answered 410, moved to the dead-letter store. And a
 * delivery held by an open circuit goes back on the broker until the circuit's next probe, as the same
 * attempt: holding is not an attempt.
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
// Application-scoped, so made at its first use: Camel's bootstrap collects DeliveryRoutes on the main
// thread, and made then it would wait there for the database (io.coursewire.startup.ParallelStart).
@ApplicationScoped
public class DeliveryOutcomes {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcomes.class);
    /** Properties of a delivery parked on the broker's dead-letter queue, beside its own. */
    static final String PARKED_REASON = "parkedReason";
    static final String LAST_STATUS = "lastStatus";
    static final String LAST_ERROR = "lastError";

    private final DurableChannel channel;
    private final DeliveryRecords records;
    private final Backoff backoff;
    private final ErasedEvents erased;

    @Inject
    public DeliveryOutcomes(CoursewireConfig config, DurableChannel channel, DeliveryRecords records, ErasedEvents erased) {
        this.channel = channel;
        this.records = records;
        this.backoff = Backoff.of(config.delivery().retry());
        this.erased = erased;
    }

    /**
     * True when the delivery's event was erased while it was under way: whatever its outcome, nothing of
     * it is recorded, retried, held or dead-lettered, and the caller acknowledges the message.
     */
    public boolean erased(DeliveryRequest delivery) {
        return erased.contains(delivery.eventId());
    }

    void succeeded(DeliveryRequest delivery, Integer status, long elapsedMillis, DeliveryMetrics.PerTarget metrics) throws InterruptedException {
        if (erased(delivery)) {
            return;
        }
        records.attempt(delivery, Instant.now(), elapsedMillis, status, null, DeliveryRecords.Outcome.DELIVERED);
        metrics.delivered(System.currentTimeMillis() - delivery.requestedAt());
    }

    /**
     * After a failed attempt. If the retry cannot be stored (the broker is down) this throws, and the
     * caller leaves the message unacknowledged, so the attempt is made again rather than lost.
     */
    void failed(DeliveryRequest delivery, Exception cause, long elapsedMillis, DeliveryMetrics.PerTarget metrics) throws Exception {
        if (erased(delivery)) {
            LOG.debugf("Delivery of %s to target %s dropped: its event was erased", delivery.eventId(), delivery.target());
            return;
        }
        Integer status = cause instanceof DeliveryFailedException f ? f.status() : null;
        String error = describe(cause);
        boolean gone = cause instanceof DeliveryFailedException f && f.permanent();
        if (gone || backoff.exhaustedAfter(delivery.attempt())) {
            records.attempt(delivery, Instant.now(), elapsedMillis, status, error, DeliveryRecords.Outcome.DEAD);
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
            LOG.warnf("Delivery of %s to target %s dead-lettered after %d attempt(s): %s", delivery.eventId(), delivery.target(),
                    delivery.attempt(), error);
            return;
        }
        long delay = backoff.delayAfter(delivery.attempt()).toMillis();
        try {
            channel.send(List.of(delivery.nextAttempt().toMessage(System.currentTimeMillis() + delay))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("retry of " + delivery.key() + " could not be scheduled", e);
        }
        records.attempt(delivery, Instant.now(), elapsedMillis, status, error, DeliveryRecords.Outcome.RETRYING);
        metrics.retried();
        LOG.debugf("Delivery of %s to target %s failed (attempt %d: %s); next attempt in %d ms", delivery.eventId(),
                delivery.target(), delivery.attempt(), error, delay);
    }

    /**
     * A subscriber answered 410 Gone: the attempt is recorded as the last, and nothing is retried or
     * dead-lettered — the subscription is deleted (REST Hooks), so there is nobody to deliver it to.
     */
    void unsubscribed(DeliveryRequest delivery, DeliveryFailedException gone, long elapsedMillis) throws InterruptedException {
        if (erased(delivery)) {
            return;
        }
        records.attempt(delivery, Instant.now(), elapsedMillis, gone.status(), gone.getMessage() + ": unsubscribed",
                DeliveryRecords.Outcome.DEAD);
    }

    /**
     * Puts the delivery back on its queue, due at {@code until}, as the same attempt: the circuit is open.
     * The future completes when the broker has it; only then may the message it came from be acknowledged.
     */
    CompletableFuture<Void> hold(DeliveryRequest delivery, long until) {
        if (erased(delivery)) {
            return CompletableFuture.completedFuture(null); // dropped: acknowledged, not put back
        }
        return channel.send(List.of(delivery.heldAgain().toMessage(until)));
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
                + " dead-letter queue %s with its properties and the reason", delivery.eventId(), delivery.target(), delivery.attempt(), error,
                reason, Channels.DEAD_LETTERS);
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

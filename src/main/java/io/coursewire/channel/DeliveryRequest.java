package io.coursewire.channel;

import java.util.Map;
import java.util.function.Function;

/**
 * One delivery of one event to one target, as it travels on the target's queue: the canonical JSON
 * as the body, the rest as message properties. {@code generation} tells apart the routed delivery
 * ({@code "0"}) from each replay, so that a replay is never taken for a duplicate.
 *
 * @param eventAcceptedAt when ingest accepted the event (epoch millis): with the id, the key its
 *        attempts are recorded under; the same on every attempt and every replay
 * @param requestedAt when this delivery was asked for (epoch millis): the event's acceptance for a
 *        routed delivery, the operator's request for a replay; delivery latency counts from it
 * @param held how often this attempt was held back while its target's circuit was open: each time
 *        it goes back on the queue as a new message, which needs a duplicate id of its own
 */
public record DeliveryRequest(String eventId, long eventAcceptedAt, String target, int attempt, String generation, long requestedAt,
        byte[] json, int held) {

    public DeliveryRequest(String eventId, long eventAcceptedAt, String target, int attempt, String generation, long requestedAt, byte[] json) {
        this(eventId, eventAcceptedAt, target, attempt, generation, requestedAt, json, 0);
    }

    static final String EVENT_ID = "eventId";
    static final String EVENT_ACCEPTED_AT = "eventAcceptedAt";
    static final String TARGET = "target";
    static final String ATTEMPT = "attempt";
    static final String GENERATION = "generation";
    static final String HELD = "held";

    public static final String ROUTED = "0";

    /** Identifies this delivery across its attempts (and in the dead-letter store). */
    public String key() {
        return eventId + "/" + target + "/" + generation;
    }

    public DeliveryRequest nextAttempt() {
        return new DeliveryRequest(eventId, eventAcceptedAt, target, attempt + 1, generation, requestedAt, json, 0);
    }

    /** The same attempt, held once more (not an attempt: its number stays). */
    public DeliveryRequest heldAgain() {
        return new DeliveryRequest(eventId, eventAcceptedAt, target, attempt, generation, requestedAt, json, held + 1);
    }

    /**
     * The message for the target's queue. Its duplicate id names the delivery and the attempt, so that
     * re-sending it (a redelivered event routed again, a retry scheduled again after a crash) stores it once.
     */
    public DurableChannel.Outgoing toMessage(long deliverAt) {
        return new DurableChannel.Outgoing(Channels.deliveryQueue(target), key() + "#" + attempt + (held == 0 ? "" : "~" + held), json,
                held == 0 ? Map.of(EVENT_ID, eventId, EVENT_ACCEPTED_AT, eventAcceptedAt, TARGET, target, ATTEMPT, attempt, GENERATION, generation,
                        Channels.ACCEPTED_AT, requestedAt)
                        : Map.of(EVENT_ID, eventId, EVENT_ACCEPTED_AT, eventAcceptedAt, TARGET, target, ATTEMPT, attempt, GENERATION, generation,
                                Channels.ACCEPTED_AT, requestedAt, HELD, held),
                deliverAt);
    }

    /** Reads a delivery back from message headers (properties by name). */
    public static DeliveryRequest fromHeaders(Map<String, Object> headers, byte[] json) {
        return fromProperties(headers::get, json);
    }

    /** Reads a delivery back from its message's properties, looked up by name. */
    public static DeliveryRequest fromProperties(Function<String, Object> property, byte[] json) {
        long requestedAt = property.apply(Channels.ACCEPTED_AT) instanceof Number n ? n.longValue() : System.currentTimeMillis();
        return new DeliveryRequest(
                String.valueOf(property.apply(EVENT_ID)),
                // Journalled before this property existed: exact for a routed delivery (requested on acceptance).
                property.apply(EVENT_ACCEPTED_AT) instanceof Number n ? n.longValue() : requestedAt,
                String.valueOf(property.apply(TARGET)),
                ((Number) property.apply(ATTEMPT)).intValue(),
                String.valueOf(property.apply(GENERATION)),
                requestedAt,
                json,
                property.apply(HELD) instanceof Number h ? h.intValue() : 0);
    }
}

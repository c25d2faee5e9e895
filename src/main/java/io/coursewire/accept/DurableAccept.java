package io.coursewire.accept;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.RoutedEvent;
import io.coursewire.problem.ProblemException;

/**
 * Guaranteed-delivery accept: a translated event is answered 202 only once the broker has it on
 * disk. Retries of an accepted event are answered 202 {@code "duplicate": true} and not enqueued
 * again; unmapped kinds are answered 202 {@code "ignored": true}. When the channel cannot take the
 * event, the answer is 503 with {@code Retry-After}, and nothing is half-done.
 */
@Singleton
@Named("durableAccept")
public class DurableAccept extends AsyncProcessorSupport {

    private static final Logger LOG = Logger.getLogger(DurableAccept.class);
    static final int RETRY_AFTER_SECONDS = 5;
    /** The payload columns of the event log and the dead letters (V1__event_log.sql, V2__deliveries.sql) hold 1 MiB. */
    static final int MAX_EVENT_BYTES = 1024 * 1024;

    private final IdempotentReceiver receiver;
    private final DurableChannel channel;
    private final IngestGate gate;
    private final IngestMetrics metrics;

    @Inject
    public DurableAccept(IdempotentReceiver receiver, DurableChannel channel, IngestGate gate, IngestMetrics metrics) {
        this.receiver = receiver;
        this.channel = channel;
        this.gate = gate;
        this.metrics = metrics;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Translation translation = exchange.getMessage().getBody(Translation.class);
        if (translation instanceof Translation.Ignored ignored) {
            respond(exchange, ignoredAnswer(ignored));
            count(exchange, ignored.vendor(), IngestMetrics.Outcome.IGNORED);
            callback.done(true);
            return true;
        }
        if (!(translation instanceof Translation.Mapped mapped)) {
            throw new IllegalStateException("durable accept expects a Translation body");
        }
        if (!gate.isOpen()) {
            throw ProblemException.unavailable("shutting down; retry later", RETRY_AFTER_SECONDS);
        }
        CanonicalEvent event = mapped.event();
        byte[] json = CanonicalJson.toBytes(event);
        if (json.length > MAX_EVENT_BYTES) {
            // A body under the size limit can still translate to more (a name is kept whole and in its
            // parts): such an event would not fit the event log's or the dead letters' payload column.
            throw new ProblemException(413, "event-too-large", "Content Too Large", "the canonical event would be " + json.length
                    + " bytes; at most " + MAX_EVENT_BYTES + " are stored", java.util.Map.of());
        }
        IdempotentReceiver.Claim claim = receiver.claim(event.id());
        if (claim instanceof IdempotentReceiver.Seen seen) {
            seen.outcome().whenComplete((ok, failure) -> {
                if (failure == null) {
                    respond(exchange, accepted(event.id(), true));
                    count(exchange, event.vendor(), IngestMetrics.Outcome.DUPLICATE);
                } else {
                    exchange.setException(ProblemException.unavailable("the event could not be stored; retry later", RETRY_AFTER_SECONDS));
                }
                callback.done(false);
            });
            return false;
        }
        IdempotentReceiver.First first = (IdempotentReceiver.First) claim;
        channel.send(event.id(), json, RoutedEvent.headersOf(event)).whenComplete((heldBefore, failure) -> {
            if (failure == null) {
                // Held before: accepted earlier through another instance on the same broker (or before a
                // crash that lost this window's newest ids): the broker's duplicate detection answered.
                first.accepted();
                respond(exchange, accepted(event.id(), heldBefore));
                count(exchange, event.vendor(), heldBefore ? IngestMetrics.Outcome.DUPLICATE : IngestMetrics.Outcome.ACCEPTED);
            } else {
                first.failed(failure);
                LOG.warnf("Event %s from %s not stored (%s); answering 503", event.id(), event.vendor(), failure.getClass().getSimpleName());
                exchange.setException(ProblemException.unavailable("the durable store is unavailable; retry later", RETRY_AFTER_SECONDS));
            }
            callback.done(false);
        });
        return false;
    }

    private void count(Exchange exchange, String vendor, IngestMetrics.Outcome outcome) {
        metrics.ended(vendor, outcome, exchange.getClock().elapsed());
    }

    private static String accepted(String id, boolean duplicate) {
        return "{\"id\":\"" + id + "\",\"duplicate\":" + duplicate + "}";
    }

    private static void respond(Exchange exchange, String json) {
        Message message = exchange.getMessage();
        message.removeHeaders("*"); // never echo request headers (tokens, signatures) back
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json); // a String is written straight to the response, no stream copy
    }

    /** The vendor's event name is the vendor's text: written by Jackson, never spliced in by hand. */
    private static String ignoredAnswer(Translation.Ignored ignored) {
        try {
            return IGNORED_WRITER.writeValueAsString(new IgnoredAnswer(true, ignored.vendor(), ignored.vendorEvent()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record IgnoredAnswer(boolean ignored, String vendor, String vendorEvent) {
    }

    private static final ObjectWriter IGNORED_WRITER = CanonicalJson.MAPPER.writerFor(IgnoredAnswer.class);
}

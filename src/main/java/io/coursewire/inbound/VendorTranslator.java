package io.coursewire.inbound;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.accept.Translation;

/**
 * A Message Translator from one vendor's webhook payload to the {@link io.coursewire.canonical.CanonicalEvent}.
 * Implementations are pure functions of the payload and headers (plus their own configuration), so
 * they are unit-testable without Camel; as a {@link Processor} the same bean is a step of the
 * vendor's YAML route ({@code - process: {ref: <vendor>Translator}}).
 *
 * <p>To add a vendor: one class implementing this interface, annotated {@code @Singleton @Named("<vendor>Translator")},
 * one YAML route under {@code routes/}, and their tests.
 */
public interface VendorTranslator extends Processor {

    /** The vendor's name as it appears in {@code /webhooks/{vendor}} and in the canonical {@code source}. */
    String vendor();

    /**
     * Translates an authentic payload.
     *
     * @param payload the parsed request body (any JSON value; translators reject what is not an object)
     * @param headers the request's own headers (never its query parameters)
     * @return the canonical event, or {@link Translation.Ignored} for an authentic event of an unmapped kind
     * @throws InvalidPayloadException naming the field that is missing, of the wrong type, or does not parse
     */
    Translation translate(JsonNode payload, RequestHeaders headers);

    /** Parses the (already authenticated) raw body and replaces it with the {@link Translation}. */
    @Override
    default void process(Exchange exchange) {
        JsonNode payload = InboundJson.parse(InboundRequest.rawBody(exchange));
        exchange.getMessage().setBody(translate(payload, InboundRequest.headers(exchange)));
    }
}

package io.coursewire.support;

import static io.coursewire.support.Admin.admin;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;

/**
 * A subscriber's side of a delivery captured by a sink, read with the tools a subscriber would use, none
 * of them Coursewire's: the Standard Webhooks library's {@code verify} on the bytes received, and the
 * CloudEvents Java SDK's HTTP reader (its Jackson event format found by ServiceLoader).
 */
public final class Subscriber {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Subscriber() {
    }

    /**
     * Verifies the delivery's signature as the library's {@code verify} does (timestamp tolerance
     * included), over the body exactly as received.
     *
     * @throws Exception the library's refusal when it does not verify
     */
    public static void verify(String secret, LoggedRequest delivery) throws Exception {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            HttpHeader h = delivery.getHeaders().getHeader(name);
            if (h.isPresent()) {
                headers.put(name, h.values());
            }
        }
        new Webhook(secret).verify(new String(delivery.getBody(), java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    /** The delivery as the CloudEvents SDK reads it: structured or binary, told apart by its headers as the SDK does. */
    public static CloudEvent cloudEvent(LoggedRequest delivery) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader h : delivery.getHeaders().all()) {
            headers.put(h.key(), h.firstValue());
        }
        return HttpMessageFactory.createReader(headers, delivery.getBody()).toEvent();
    }

    /** The canonical event as the admin API shows it, once the event log has it (written behind routing): what every mode carries. */
    public static JsonNode canonical(String eventId) throws Exception {
        String path = "/api/v1/events/" + eventId;
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get(path).statusCode() == 200);
        return JSON.readTree(admin().get(path).then().statusCode(200).extract().asString()).path("event");
    }

    public static JsonNode json(byte[] body) throws Exception {
        return JSON.readTree(body);
    }
}

package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.coursewire.delivery.CloudEventsDeliveryTest.ceHeaders;
import static io.coursewire.delivery.CloudEventsDeliveryTest.delivered;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.cloudevents.CloudEvent;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Subscriber;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * REST Hook subscribers asking for each CloudEvents mode in their subscribe call (§5, §6), delivered to a
 * real sink (WireMock) through the real pipeline: a subscriber that does not ask gets what REST Hooks and
 * Zapier expect; structured and binary subscribers get the binding, with their token, and a signature
 * the Standard Webhooks library verifies over the bytes received. Shares {@link SubscriberDeliveryTest}'s
 * profile (private networks allowed: the sink is on loopback).
 */
@QuarkusTest
@TestProfile(SubscriberDeliveryTest.Subscribers.class)
class SubscriberCloudEventsTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void eachSubscriberGetsTheEventInTheModeItSubscribedWithSignedOverTheBytesSent() throws Exception {
        String course = "course-" + UUID.randomUUID();
        String json = subscriber(course, null);
        String structured = subscriber(course, "structured");
        String binary = subscriber(course, "binary");

        String id = SubscriberDeliveryTest.completion(course);
        JsonNode event = Subscriber.canonical(id);

        LoggedRequest asJson = delivered(json, id);
        assertThat(asJson.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(ceHeaders(asJson)).isEmpty();
        assertThat(Subscriber.json(asJson.getBody())).isEqualTo(event);

        LoggedRequest asStructured = delivered(structured, id);
        assertThat(asStructured.getHeader("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(asStructured.getBody()).isEqualTo(asJson.getBody());
        assertThat(ceHeaders(asStructured)).isEmpty();

        LoggedRequest asBinary = delivered(binary, id);
        assertThat(asBinary.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(ceHeaders(asBinary)).containsExactlyInAnyOrderEntriesOf(Map.of("ce-id", id, "ce-source", event.path("source").asText(),
                "ce-type", event.path("type").asText(), "ce-time", event.path("time").asText(), "ce-specversion", "1.0"));
        assertThat(Subscriber.json(asBinary.getBody())).isEqualTo(event.path("data"));

        for (LoggedRequest delivery : new LoggedRequest[] { asJson, asStructured, asBinary }) {
            assertThat(delivery.getHeader("webhook-id")).isEqualTo(id);
            assertThat(delivery.getHeader("Authorization")).isEqualTo("Token token=tok-ce");
            Subscriber.verify(SECRET, delivery);
        }
    }

    @Test
    void aCloudEventsSdkReadsStructuredAndBinarySubscribersDeliveriesAsTheCanonicalEvent() throws Exception {
        String course = "course-" + UUID.randomUUID();
        String structured = subscriber(course, "structured");
        String binary = subscriber(course, "binary");

        String id = SubscriberDeliveryTest.completion(course);
        JsonNode event = Subscriber.canonical(id);

        for (String path : new String[] { structured, binary }) {
            CloudEvent read = Subscriber.cloudEvent(delivered(path, id));
            assertThat(read.getId()).isEqualTo(id);
            assertThat(read.getSource().toString()).isEqualTo(event.path("source").asText());
            assertThat(read.getType()).isEqualTo(event.path("type").asText());
            assertThat(read.getTime()).isEqualTo(OffsetDateTime.parse(event.path("time").asText()));
            assertThat(read.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(Subscriber.json(read.getData().toBytes())).isEqualTo(event.path("data"));
        }
    }

    /** Subscribes a new sink path to the course's completions, in {@code mode} (null: not given); its path. */
    private static String subscriber(String course, String mode) {
        String path = "/hooks/ce-" + (mode == null ? "default" : mode) + "-" + UUID.randomUUID();
        HttpSinks.server().stubFor(post(path).willReturn(aResponse().withStatus(200)));
        Map<String, String> body = new HashMap<>(Map.of("url", HttpSinks.server().baseUrl() + path, "course", course,
                "authorization_token", "tok-ce", "secret", SECRET));
        if (mode != null) {
            body.put("cloudevents", mode);
        }
        String answered = admin().contentType("application/json").body(body).post("/api/v1/rest_hooks/course_completed/subscriptions")
                .then().statusCode(201).extract().path("cloudevents");
        assertThat(answered).isEqualTo(mode == null ? "json" : mode);
        return path;
    }
}

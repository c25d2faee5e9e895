package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.cloudevents.CloudEvent;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Subscriber;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The CloudEvents HTTP binding of static HTTP targets (§6), on the wire of a real sink (WireMock): the
 * targets ce-json, ce-structured and ce-binary of {@code http-targets.yaml} each get every event of one
 * course, signed with the same secret. Signatures are checked with the Standard Webhooks library's own
 * {@code verify}, the events read back with the CloudEvents Java SDK. Shares {@link HttpDeliveryTest}'s
 * profile, so the same application serves both.
 */
@QuarkusTest
@TestProfile(HttpDeliveryTest.Sinks.class)
class CloudEventsDeliveryTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String COURSE = "course-cloudevents";
    /** Compact, as the canonical event is written: the data re-written from a tree gives its bytes back. */
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void sinksAnswer() {
        for (String path : List.of("/ce-json", "/ce-structured", "/ce-binary")) {
            HttpSinks.server().stubFor(post(path).willReturn(aResponse().withStatus(204)));
        }
    }

    @Test
    void aJsonTargetGetsTheCanonicalEventAsApplicationJsonSignedOverTheBody() throws Exception {
        String id = HttpDeliveryTest.accept(COURSE);
        LoggedRequest json = delivered("/ce-json", id);

        assertThat(json.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(ceHeaders(json)).isEmpty();
        assertThat(Subscriber.json(json.getBody())).isEqualTo(Subscriber.canonical(id));
        Subscriber.verify(SECRET, json);
    }

    @Test
    void aStructuredTargetGetsTheSameBytesAsCloudEventsJsonSignedOverThem() throws Exception {
        String id = HttpDeliveryTest.accept(COURSE);
        LoggedRequest json = delivered("/ce-json", id);
        LoggedRequest structured = delivered("/ce-structured", id);

        assertThat(structured.getHeader("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(structured.getBody()).as("the same body as in json mode").isEqualTo(json.getBody());
        assertThat(ceHeaders(structured)).isEmpty();
        assertThat(structured.getHeader("webhook-id")).isEqualTo(id);
        Subscriber.verify(SECRET, structured);
    }

    @Test
    void aBinaryTargetGetsTheAttributesAsCeHeadersAndTheDataAloneSignedOverIt() throws Exception {
        String id = HttpDeliveryTest.accept(COURSE);
        JsonNode event = Subscriber.canonical(id);
        LoggedRequest json = delivered("/ce-json", id);
        LoggedRequest binary = delivered("/ce-binary", id);

        assertThat(binary.getHeader("Content-Type")).as("the event's datacontenttype").isEqualTo("application/json");
        assertThat(ceHeaders(binary)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ce-id", id,
                "ce-source", event.path("source").asText(),
                "ce-type", "course.completed",
                "ce-time", event.path("time").asText(),
                "ce-specversion", "1.0"));
        assertThat(Subscriber.json(binary.getBody())).isEqualTo(event.path("data"));
        assertThat(binary.getBody()).as("the data's bytes as they are in the event")
                .isEqualTo(JSON.writeValueAsBytes(JSON.readTree(json.getBody()).path("data")));
        assertThat(binary.getHeader("webhook-id")).isEqualTo(id);
        assertThat(binary.getHeader("X-Team")).as("the target's own headers still sent").isEqualTo("data");
        Subscriber.verify(SECRET, binary);
    }

    @Test
    void aCloudEventsSdkReadsStructuredAndBinaryDeliveriesAsTheCanonicalEvent() throws Exception {
        String id = HttpDeliveryTest.accept(COURSE);
        JsonNode event = Subscriber.canonical(id);

        for (String path : List.of("/ce-structured", "/ce-binary")) {
            CloudEvent read = Subscriber.cloudEvent(delivered(path, id));
            assertThat(read.getId()).as(path).isEqualTo(id);
            assertThat(read.getSource().toString()).as(path).isEqualTo(event.path("source").asText());
            assertThat(read.getType()).as(path).isEqualTo(event.path("type").asText());
            assertThat(read.getTime()).as(path).isEqualTo(OffsetDateTime.parse(event.path("time").asText()));
            assertThat(read.getSpecVersion().toString()).as(path).isEqualTo(event.path("specversion").asText());
            assertThat(read.getDataContentType()).as(path).isEqualTo(event.path("datacontenttype").asText());
            assertThat(read.getExtensionNames()).as(path).isEmpty();
            assertThat(read.getData()).as(path).isNotNull();
            assertThat(Subscriber.json(read.getData().toBytes())).as(path).isEqualTo(event.path("data"));
        }
    }

    /** The one delivery of the event to the path, once it has arrived. */
    static LoggedRequest delivered(String path, String eventId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !requests(path, eventId).isEmpty());
        return requests(path, eventId).get(0);
    }

    static List<LoggedRequest> requests(String path, String eventId) {
        return HttpSinks.server().findAll(postRequestedFor(urlEqualTo(path)).withHeader("webhook-id", equalTo(eventId)));
    }

    /** The request's {@code ce-*} headers, names in lower case. */
    static Map<String, String> ceHeaders(LoggedRequest request) {
        Map<String, String> ce = new java.util.TreeMap<>();
        for (HttpHeader h : request.getHeaders().all()) {
            if (h.key().regionMatches(true, 0, "ce-", 0, 3)) {
                ce.put(h.key().toLowerCase(java.util.Locale.ROOT), h.firstValue());
            }
        }
        return ce;
    }
}

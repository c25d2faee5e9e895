package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.coursewire.inbound.IngestMetricsTest;
import io.coursewire.support.AttemptLog;
import io.coursewire.support.Fixtures;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Delivery to real HTTP subscribers (WireMock): retries with the same webhook-id, Standard Webhooks
 * signatures, per-target isolation, timeouts, dead letters, 410 and redirects. The retry schedule is
 * the test profile's compressed one (200 ms, ×2, at most 1 s, 4 attempts); the timeout is 1 s.
 */
@QuarkusTest
@TestProfile(HttpDeliveryTest.Sinks.class)
class HttpDeliveryTest {

    public static class Sinks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.delivery.timeout", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HttpSinks.class));
        }
    }

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource db;

    WireMockServer sink() {
        return HttpSinks.server();
    }

    @Test
    void aTargetFailingTwiceThenSucceedingGetsThreeAttemptsWithTheSameWebhookId() throws Exception {
        sink().stubFor(post("/flaky").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("failed-once"));
        sink().stubFor(post("/flaky").inScenario("flaky").whenScenarioStateIs("failed-once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed-twice"));
        sink().stubFor(post("/flaky").inScenario("flaky").whenScenarioStateIs("failed-twice")
                .willReturn(aResponse().withStatus(204)));

        String metricsBefore = IngestMetricsTest.metrics();
        String id = accept("course-flaky");

        await().atMost(Duration.ofSeconds(15)).until(() -> outcomes(id, "flaky").contains("delivered"));
        assertThat(outcomes(id, "flaky")).containsExactly("retrying", "retrying", "delivered");
        // Acknowledged after the success: no fourth attempt follows (the next would be due within 1 s).
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> requests("/flaky").size() == 3);

        List<LoggedRequest> attempts = requests("/flaky");
        for (LoggedRequest attempt : attempts) {
            assertThat(attempt.getHeader("webhook-id")).isEqualTo(id);
            assertThat(attempt.getHeader("Content-Type")).isEqualTo("application/json");
            assertThat(attempt.getHeader("Authorization")).isEqualTo("Bearer abc");
            assertThat(attempt.getHeader("X-Team")).isEqualTo("data");
            assertThat(JSON.readTree(attempt.getBody()).path("id").asText()).isEqualTo(id);
            assertThat(independentlyVerified(SECRET, attempt)).as("Standard Webhooks signature").isTrue();
        }
        String metricsAfter = IngestMetricsTest.metrics();
        assertThat(IngestMetricsTest.delta(metricsBefore, metricsAfter, "coursewire_deliveries_retried_total{target=\"flaky\"}")).isEqualTo(2);
        assertThat(IngestMetricsTest.delta(metricsBefore, metricsAfter, "coursewire_deliveries_delivered_total{target=\"flaky\"}")).isEqualTo(1);
        assertThat(IngestMetricsTest.delta(metricsBefore, metricsAfter, "coursewire_delivery_latency_seconds_count{target=\"flaky\"}")).isEqualTo(1);
    }

    @Test
    void aHangingAndAFailingTargetDoNotDelayAHealthyOne() {
        sink().stubFor(post("/healthy").willReturn(aResponse().withStatus(200)));
        sink().stubFor(post("/failing").willReturn(aResponse().withStatus(500)));
        sink().stubFor(post("/hanging").willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));

        // More events than the hanging target has consumers: all of them are stuck in a hung call.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // coursewire.delivery.consumers is 8
            ids.add(accept("course-isolation"));
        }
        long accepted = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).until(() -> ids.stream().allMatch(id -> requestsFor("/healthy", id) > 0));
        assertThat(Duration.ofNanos(System.nanoTime() - accepted)).isLessThan(Duration.ofSeconds(2));

        // The hanging call is cut off at the 1 s timeout and retried; the failing one is retried.
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(ids.get(0), "hanging").contains("timed out after 1000 ms"));
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(ids.get(0), "failing").contains("HTTP 500"));
    }

    @Test
    void exhaustedRetriesBecomeADeadLetterWithTheLastErrorAndAReplayDeliversIt() throws Exception {
        sink().stubFor(post("/down").willReturn(aResponse().withStatus(503)));
        String id = accept("course-down");

        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetter(id, "down") != null);
        assertThat(deadLetter(id, "down")).containsEntry("attempts", 4).containsEntry("last_status", 503).containsEntry("last_error", "HTTP 503");
        assertThat(requests("/down")).hasSize(4);

        // The operator's view: the dead letter in the list, the event with its four failed attempts.
        String deadLetterId = admin().get("/api/v1/dead-letters?target=down").then().statusCode(200)
                .body("deadLetters.find { it.eventId == '" + id + "' }.attempts", is(4))
                .body("deadLetters.find { it.eventId == '" + id + "' }.lastError", is("HTTP 503"))
                .extract().path("deadLetters.find { it.eventId == '" + id + "' }.id");
        admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("event.id", is(id))
                .body("deliveries.find { it.target == 'down' }.state", is("dead"))
                .body("deliveries.find { it.target == 'down' }.attempts.status", contains(503, 503, 503, 503));

        // The target recovers; the operator replays the dead letter.
        sink().stubFor(post("/down").willReturn(aResponse().withStatus(200)));
        admin().post("/api/v1/dead-letters/" + deadLetterId + "/replay").then().statusCode(202).body("replayed", is(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes(id, "down").contains("delivered"));
        assertThat(requests("/down")).hasSize(5);
        assertThat(requests("/down").get(4).getHeader("webhook-id")).isEqualTo(id);
        admin().get("/api/v1/dead-letters?target=down").then().body("deadLetters.eventId", not(hasItem(id)));
        admin().get("/api/v1/dead-letters?target=down&include=replayed").then()
                .body("deadLetters.find { it.eventId == '" + id + "' }.replayedAt", notNullValue());

        // And the whole event can be sent again to one named target.
        admin().contentType("application/json").body("{\"target\": \"down\"}").post("/api/v1/events/" + id + "/replay")
                .then().statusCode(202).body("targets", contains("down"));
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/down").size() == 6);
        // Both replays' attempts are shown with the event's first four.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("deliveries.find { it.target == 'down' }.attempts.outcome",
                        contains("retrying", "retrying", "retrying", "dead", "delivered", "delivered")));
        admin().post("/api/v1/events/" + id + "/replay?target=nope").then().statusCode(404).body("detail", containsString("nope"));
    }

    @Test
    void goneIsDeadLetteredAtOnce() throws Exception {
        sink().stubFor(post("/gone").willReturn(aResponse().withStatus(410)));
        String metricsBefore = IngestMetricsTest.metrics();
        String id = accept("course-gone");

        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetter(id, "gone") != null);
        assertThat(deadLetter(id, "gone")).containsEntry("attempts", 1).containsEntry("last_status", 410);
        assertThat(requests("/gone")).hasSize(1);
        assertThat(IngestMetricsTest.delta(metricsBefore, IngestMetricsTest.metrics(),
                "coursewire_deliveries_dead_lettered_total{target=\"gone\"}")).isEqualTo(1);
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        sink().stubFor(post("/moved").willReturn(aResponse().withStatus(302).withHeader("Location", sink().baseUrl() + "/elsewhere")));
        sink().stubFor(post("/elsewhere").willReturn(aResponse().withStatus(200)));
        String id = accept("course-moved");

        await().atMost(Duration.ofSeconds(10)).until(() -> errors(id, "moved").contains("HTTP 302"));
        sink().verify(0, postRequestedFor(urlEqualTo("/elsewhere")));
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Posts a distinct TagMango completion of the given course; returns the accepted event id. */
    static String accept(String course) {
        ObjectNode payload = Fixtures.json("tagmango-course-completed.json");
        payload.put("courseId", course);
        payload.put("email", "learner-" + UUID.randomUUID() + "@example.com");
        return Webhooks.post("tagmango", Fixtures.write(payload)).then().statusCode(202).extract().path("id");
    }

    List<LoggedRequest> requests(String path) {
        return sink().findAll(postRequestedFor(urlEqualTo(path)));
    }

    long requestsFor(String path, String eventId) {
        return sink().findAll(postRequestedFor(urlEqualTo(path)).withHeader("webhook-id", equalTo(eventId))).size();
    }

    List<String> outcomes(String eventId, String target) throws Exception {
        return AttemptLog.outcomes(db, eventId, target);
    }

    List<String> errors(String eventId, String target) throws Exception {
        return AttemptLog.errors(db, eventId, target);
    }

    Map<String, Object> deadLetter(String eventId, String target) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT attempts, last_status, last_error, payload FROM dead_letter WHERE event_id = ? AND target = ?")) {
            ps.setString(1, eventId);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return Map.of("attempts", rs.getInt(1), "last_status", rs.getInt(2), "last_error", rs.getString(3),
                        "payload", rs.getString(4));
            }
        }
    }

    /**
     * The Standard Webhooks check, written here from the spec rather than with the library that signs:
     * HMAC-SHA256 over "id.timestamp.body" with the base64-decoded part of the secret after whsec_.
     */
    static boolean independentlyVerified(String secret, LoggedRequest request) throws Exception {
        String id = request.getHeader("webhook-id");
        String timestamp = request.getHeader("webhook-timestamp");
        String signatures = request.getHeader("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal((id + "." + timestamp + "." + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8));
        for (String signature : signatures.split(" ")) {
            if (signature.startsWith("v1,")
                    && java.security.MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return age < 300;
            }
        }
        return false;
    }

}

package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.coursewire.channel.Channels;
import io.coursewire.channel.DurableChannel;
import io.coursewire.inbound.IngestMetricsTest;
import io.coursewire.support.AttemptLog;
import io.coursewire.support.Fixtures;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * REST Hook subscribers receiving events from the real pipeline, posted to a real HTTP sink (WireMock):
 * the Authorization token and signature, the course filter, the participation alias, 410 unsubscribing,
 * a deleted subscriber, and the circuit breaker of a subscriber and of a static target. Private networks
 * are allowed here (the sink is on loopback); the address check has its own test. Timeout 1 s; the
 * circuit opens after 3 failures and probes every second.
 */
@QuarkusTest
@TestProfile(SubscriberDeliveryTest.Subscribers.class)
public class SubscriberDeliveryTest {

    public static class Subscribers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.delivery.timeout", "1s",
                    "coursewire.subscriptions.allow-private-networks", "true",
                    "coursewire.delivery.circuit.failure-threshold", "3",
                    "coursewire.delivery.circuit.probe-interval", "1s",
                    // Probes are attempts: enough of them that nothing held here is dead-lettered by probing.
                    "coursewire.delivery.retry.max-attempts", "30");
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
    @Inject
    DurableChannel channel;

    @Test
    void aSubscriberGetsItsCoursesEventsWithItsTokenAndSignature() throws Exception {
        sink().stubFor(post("/hooks/zap-1").willReturn(aResponse().withStatus(200)));
        String course = "course-" + UUID.randomUUID();
        String id = subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/zap-1", "authorization_token", "tok-123",
                "course", course, "secret", SECRET));

        String other = completion("course-" + UUID.randomUUID());
        String mine = completion(course);

        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor("/hooks/zap-1", mine) == 1);
        LoggedRequest received = sink().findAll(postRequestedFor(urlEqualTo("/hooks/zap-1")).withHeader("webhook-id", equalTo(mine))).get(0);
        assertThat(received.getHeader("Authorization")).isEqualTo("Token token=tok-123");
        assertThat(received.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(HttpDeliveryTest.independentlyVerified(SECRET, received)).as("Standard Webhooks signature").isTrue();
        assertThat(JSON.readTree(received.getBody()).path("data").path("course").path("id").asText()).isEqualTo(course);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes(mine, "subscription:" + id).contains("delivered"));
        // The other course's event was routed before this one, and never reached this subscriber.
        assertThat(requestsFor("/hooks/zap-1", other)).isZero();
        assertThat(outcomes(other, "subscription:" + id)).isEmpty();
    }

    @Test
    void participationUpdatedReceivesProgressAndCompletionButNotEnrolment() {
        sink().stubFor(post("/hooks/participation").willReturn(aResponse().withStatus(204)));
        sink().stubFor(post("/hooks/completed-only").willReturn(aResponse().withStatus(204)));
        subscribe("course_participation_updated", Map.of("url", sink().baseUrl() + "/hooks/participation"));
        subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/completed-only"));

        String progressed = thinkific("progress");
        String completed = thinkific("completed");
        String enrolled = thinkific("created");

        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor("/hooks/participation", progressed) == 1
                && requestsFor("/hooks/participation", completed) == 1 && requestsFor("/hooks/completed-only", completed) == 1);
        // The enrolment went through routing before the last two answers arrived at latest; give it the same time.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requestsFor("/hooks/participation", enrolled) == 0
                && requestsFor("/hooks/completed-only", progressed) == 0 && requestsFor("/hooks/completed-only", enrolled) == 0);
    }

    @Test
    void goneUnsubscribesAndNothingMoreIsSentToIt() throws Exception {
        sink().stubFor(post("/hooks/gone").willReturn(aResponse().withStatus(410)));
        String course = "course-" + UUID.randomUUID();
        String id = subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/gone", "course", course));
        String marker = witness(course);

        String first = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes(first, "subscription:" + id).contains("dead"));
        admin().get("/api/v1/rest_hooks/course_completed/subscriptions").then().statusCode(200).body("id", not(hasItem(id)));
        admin().delete("/api/v1/rest_hooks/course_completed/subscriptions/" + id).then().statusCode(404);
        // Not retried, not dead-lettered: there is nobody left to deliver it to.
        assertThat(requestsFor("/hooks/gone", first)).isEqualTo(1);
        admin().get("/api/v1/dead-letters?target=subscription:" + id).then().statusCode(200).body("deadLetters.size()", is(0));

        String second = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(marker, second) == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> requestsFor("/hooks/gone", second) == 0);
    }

    @Test
    void aDeletedSubscriberReceivesNothingMore() throws Exception {
        sink().stubFor(post("/hooks/deleted").willReturn(aResponse().withStatus(200)));
        String course = "course-" + UUID.randomUUID();
        String id = subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/deleted", "course", course));
        String marker = witness(course);
        String before = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor("/hooks/deleted", before) == 1);

        admin().delete("/api/v1/rest_hooks/course_completed/subscriptions/" + id).then().statusCode(204);
        String after = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(marker, after) == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> requestsFor("/hooks/deleted", after) == 0);
    }

    @Test
    void aFailingSubscribersCircuitOpensHoldsItsDeliveriesAndReleasesThemWhenItRecovers() throws Exception {
        sink().stubFor(post("/hooks/down").willReturn(aResponse().withStatus(503)));
        String course = "course-" + UUID.randomUUID();
        String id = subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/down", "course", course));
        String metricsBefore = IngestMetricsTest.metrics();

        // Three failed attempts (the first and two retries 200 and 400 ms later) open the circuit.
        String first = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> circuitOf("course_completed", id).equals("open"));
        assertThat(IngestMetricsTest.value(IngestMetricsTest.metrics(), "coursewire_subscriptions_circuits{state=\"open\"}")).isGreaterThanOrEqualTo(1);

        // While it is open: held, not attempted — about one probe a second instead of every event's attempts.
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(completion(course));
        }
        int attemptsBefore = requests("/hooks/down").size();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                .until(() -> requests("/hooks/down").size() - attemptsBefore <= 4);
        int probes = requests("/hooks/down").size() - attemptsBefore;
        assertThat(probes).as("attempts in 3 s while open, 10 events held: the probes only").isBetween(1, 4);
        for (String h : held) {
            assertThat(outcomes(h, "subscription:" + id)).as("a held delivery is not an attempt").hasSizeLessThanOrEqualTo(probes);
        }
        // Held means pending: on the subscribers' queue, counted by the metrics and the targets listing.
        assertThat(IngestMetricsTest.value(IngestMetricsTest.metrics(), "coursewire_queue_depth{queue=\"coursewire.subscriber-deliveries\"}"))
                .isGreaterThanOrEqualTo(held.size() - probes);
        assertThat(admin().get("/api/v1/targets").then().statusCode(200).extract().<Integer>path("subscriptions.pending"))
                .isGreaterThanOrEqualTo(held.size() - probes);

        // It recovers: the next probe closes the circuit and every held event arrives.
        sink().stubFor(post("/hooks/down").willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(15)).until(() -> held.stream().allMatch(h -> requestsFor("/hooks/down", h, 200) >= 1)
                && requestsFor("/hooks/down", first, 200) >= 1);
        assertThat(circuitOf("course_completed", id)).isEqualTo("closed");
        assertThat(IngestMetricsTest.delta(metricsBefore, IngestMetricsTest.metrics(),
                "coursewire_deliveries_dead_lettered_total{target=\"subscription:*\"}")).isZero();
    }

    @Test
    void aStaticTargetsCircuitShowsInTheTargetsListAndTheMetrics() throws Exception {
        // "failing" (http-targets.yaml) answers 404 until stubbed: every course-isolation event fails there.
        sink().stubFor(post("/failing").willReturn(aResponse().withStatus(500)));
        sink().stubFor(post("/healthy").willReturn(aResponse().withStatus(200)));
        sink().stubFor(post("/hanging").willReturn(aResponse().withStatus(200)));
        String first = HttpDeliveryTest.accept("course-isolation");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin().get("/api/v1/targets").then().statusCode(200)
                .body("targets.find { it.name == 'failing' }.circuit", is("open"))
                .body("targets.find { it.name == 'healthy' }.circuit", is("closed")));
        assertThat(IngestMetricsTest.value(IngestMetricsTest.metrics(), "coursewire_delivery_circuit_state{target=\"failing\"}")).isEqualTo(2);

        String held = HttpDeliveryTest.accept("course-isolation");
        await().atMost(Duration.ofSeconds(5)).until(() -> requestsFor("/healthy", held) == 1);
        sink().stubFor(post("/failing").willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsFor("/failing", held, 200) >= 1 && requestsFor("/failing", first, 200) >= 1);
        admin().get("/api/v1/targets").then().body("targets.find { it.name == 'failing' }.circuit", is("closed"));
    }

    @Test
    void aMessageThatIsNotADeliveryIsParkedOnTheDeadLetterQueueAndDeliveriesGoOn() throws Exception {
        String dlq = "coursewire_queue_depth{queue=\"DLQ\"}";
        double parkedBefore = IngestMetricsTest.value(IngestMetricsTest.metrics(), dlq);
        // No attempt number, no target: what a foreign producer or a damaged message would put there.
        channel.send(List.of(new DurableChannel.Outgoing(Channels.SUBSCRIBER_DELIVERIES, null, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("eventId", "not-a-delivery"), 0))).get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> IngestMetricsTest.value(IngestMetricsTest.metrics(), dlq) == parkedBefore + 1);

        sink().stubFor(post("/hooks/after-poison").willReturn(aResponse().withStatus(200)));
        String course = "course-" + UUID.randomUUID();
        subscribe("course_completed", Map.of("url", sink().baseUrl() + "/hooks/after-poison", "course", course));
        String next = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor("/hooks/after-poison", next) == 1);
    }

    // --- helpers ------------------------------------------------------------------------------

    static WireMockServer sink() {
        return HttpSinks.server();
    }

    static String subscribe(String event, Map<String, String> body) {
        return admin().contentType("application/json").body(body).post("/api/v1/rest_hooks/" + event + "/subscriptions")
                .then().statusCode(201).extract().path("id");
    }

    /**
     * A second, healthy subscriber to the course; its path. Both get each event in the same fan-out, so
     * once an event is at the witness it has been routed to the other too, or not at all.
     */
    static String witness(String course) {
        String path = "/hooks/witness-" + UUID.randomUUID();
        sink().stubFor(post(path).willReturn(aResponse().withStatus(200)));
        subscribe("course_completed", Map.of("url", sink().baseUrl() + path, "course", course));
        return path;
    }

    static String circuitOf(String event, String id) {
        return admin().get("/api/v1/rest_hooks/" + event + "/subscriptions").then().statusCode(200)
                .extract().path("find { it.id == '" + id + "' }.circuit");
    }

    /** A TagMango completion (course.completed) of this course. */
    static String completion(String course) {
        return HttpDeliveryTest.accept(course);
    }

    /** A Thinkific enrollment event ({@code created}: enrolled, {@code progress}: progressed, {@code completed}). */
    static String thinkific(String action) {
        ObjectNode payload = Fixtures.json("thinkific-enrollment-" + action + ".json");
        payload.put("id", Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50)));
        return Webhooks.post("thinkific", Fixtures.write(payload)).then().statusCode(202).extract().path("id");
    }

    static List<LoggedRequest> requests(String path) {
        return sink().findAll(postRequestedFor(urlEqualTo(path)));
    }

    static long requestsFor(String path, String eventId) {
        return sink().findAll(postRequestedFor(urlEqualTo(path)).withHeader("webhook-id", equalTo(eventId))).size();
    }

    /** Requests for the event that the sink answered with this status. */
    static long requestsFor(String path, String eventId, int status) {
        return sink().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(path) && eventId.equals(e.getRequest().getHeader("webhook-id"))
                        && e.getResponse().getStatus() == status)
                .count();
    }

    List<String> outcomes(String eventId, String target) throws Exception {
        return AttemptLog.outcomes(db, eventId, target);
    }
}

package io.coursewire.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.eventlog.Migrated;
import io.coursewire.support.Fixtures;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Retention of the real service with periods of seconds, purged every second in batches of 7 rows,
 * while events flow: old event records, attempts and dead letters go, newer ones stay; a delivery still
 * pending on the broker is delivered after its event's record is gone; a vendor's retry of a purged
 * event is still a duplicate.
 */
@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
class RetentionTest {

    static final Duration EVENTS = Duration.ofSeconds(3);
    static final Duration DEAD_LETTERS = Duration.ofSeconds(8);

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.retention.events", EVENTS.toSeconds() + "s",
                    "coursewire.retention.dead-letters", DEAD_LETTERS.toSeconds() + "s",
                    "coursewire.retention.interval", "1s",
                    "coursewire.retention.batch-size", "7",
                    // The pending delivery retries every half second for as long as the test needs.
                    "coursewire.delivery.retry.initial-delay", "500ms",
                    "coursewire.delivery.retry.multiplier", "1",
                    "coursewire.delivery.retry.max-delay", "500ms",
                    "coursewire.delivery.retry.max-attempts", "1000",
                    "coursewire.delivery.circuit.failure-threshold", "100000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Sinks.class));
        }
    }

    /** retention-targets.yaml on a WireMock sink. */
    public static class Sinks extends HttpSinks {
        @Override
        protected String template() {
            return "retention-targets.yaml";
        }
    }

    @Inject
    @Migrated
    DataSource db;
    @Inject
    EmbeddedBroker broker;

    @Test
    void oldRecordsGoWhileEventsFlowAndNewOnesStay() throws Exception {
        HttpSinks.server().stubFor(post(urlEqualTo("/refusing")).willReturn(aResponse().withStatus(410)));
        String old = accept("course-retention-plain");
        String oldDead = accept("course-retention-dead");
        await().atMost(Duration.ofSeconds(10)).until(() -> logged(old) && logged(oldDead) && attempts(oldDead) == 1
                && deadLetter(oldDead) != null);

        Flow flow = new Flow();
        flow.start();
        try {
            // Older than the events' retention: the records and the attempts go; the dead letter (8 s) stays.
            await().atMost(Duration.ofSeconds(20)).until(() -> !logged(old) && !logged(oldDead) && attempts(oldDead) == 0);
            admin().get("/api/v1/events/" + old).then().statusCode(404);
            assertThat(deadLetter(oldDead)).as("a dead letter is kept longer than its event's record").isNotNull();
            String newDead = accept("course-retention-dead");
            assertNewOnesStay(flow);

            // Older than the dead letters' retention: the first dead letter goes, the one made since stays.
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(oldDead) == null);
            assertThat(deadLetter(newDead)).as("a dead letter younger than its retention").isNotNull();
            assertNewOnesStay(flow);
            assertThat(flow.failures).as("ingest while purging").isEmpty();
        } finally {
            flow.finish();
        }
    }

    @Test
    void aPendingDeliveryOutlivesItsRecordAndARetryOfItIsStillADuplicate() throws Exception {
        var sink = HttpSinks.server();
        sink.stubFor(post(urlEqualTo("/recovering")).willReturn(aResponse().withStatus(503)));
        String body = body("course-retention-pending");
        String id = Webhooks.post("tagmango", body).then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> logged(id) && attempts(id) > 0);

        // The record goes; the delivery, on the broker with its own copy of the event, does not.
        await().atMost(Duration.ofSeconds(20)).until(() -> !logged(id));
        admin().get("/api/v1/events/" + id).then().statusCode(404);
        assertThat(broker.waiting(Channels.deliveryQueue("recovering"))).as("the delivery still pending").isGreaterThanOrEqualTo(1);

        // The vendor retries after the record is gone: still a duplicate (the window is not the log).
        Webhooks.post("tagmango", body).then().statusCode(202).body("id", equalTo(id)).body("duplicate", equalTo(true));

        sink.stubFor(post(urlEqualTo("/recovering")).willReturn(aResponse().withStatus(204)));
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredTo(id, sink.getAllServeEvents()));
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.waiting(Channels.deliveryQueue("recovering")) == 0);
    }

    /** The newest events are all there: accepted within the last second, their records are young. */
    private void assertNewOnesStay(Flow flow) throws SQLException {
        String fresh = accept("course-retention-plain");
        await().atMost(Duration.ofSeconds(5)).until(() -> logged(fresh));
        admin().get("/api/v1/events/" + fresh).then().statusCode(200);
        assertThat(oldestRecordAgeMillis()).as("nothing much older than the retention is left")
                .isLessThan(EVENTS.toMillis() + 5_000);
        assertThat(flow.accepted.size()).as("events flowed meanwhile").isGreaterThan(3);
        // The arrival blocks (V14) go with their rows: none is left whose rows are all purged.
        await().atMost(Duration.ofSeconds(10)).until(() -> blocksOfPurgedRowsOnly() == 0);
    }

    private static boolean deliveredTo(String id, List<ServeEvent> served) {
        return served.stream().anyMatch(e -> e.getRequest().getUrl().equals("/recovering") && id.equals(e.getRequest().getHeader("webhook-id"))
                && e.getResponse().getStatus() == 204);
    }

    /** Webhooks posted every 100 ms, until stopped. */
    private static final class Flow extends Thread {
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);

        Flow() {
            super("retention-test-flow");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    accepted.add(accept("course-retention-plain"));
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | AssertionError e) {
                    failures.add(e.toString());
                }
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(5_000);
        }
    }

    static String accept(String course) {
        return Webhooks.post("tagmango", body(course)).then().statusCode(202).extract().path("id");
    }

    static String body(String course) {
        ObjectNode payload = Fixtures.json("tagmango-course-completed.json");
        payload.put("courseId", course);
        payload.put("email", "retained-" + UUID.randomUUID() + "@example.com");
        return Fixtures.write(payload);
    }

    private String deadLetter(String eventId) {
        return admin().get("/api/v1/dead-letters?include=replayed&limit=1000")
                .path("deadLetters.find { it.eventId == '" + eventId + "' }.id");
    }

    private boolean logged(String id) throws SQLException {
        return count("SELECT COUNT(*) FROM event_log WHERE id = ?", id) > 0;
    }

    private long attempts(String id) throws SQLException {
        return count("SELECT COUNT(*) FROM delivery_attempt WHERE event_id = ?", id);
    }

    private long oldestRecordAgeMillis() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT MIN(routed_at) FROM event_log");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return System.currentTimeMillis() - rs.getLong(1);
        }
    }

    private long blocksOfPurgedRowsOnly() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM event_log_block WHERE last_seq < (SELECT MIN(seq) FROM event_log)"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long count(String sql, String id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package io.coursewire.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.coursewire.canonical.LearnerKeys;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.delivery.DeliveryRecords;
import io.coursewire.eventlog.ArrivalIndex;
import io.coursewire.eventlog.EventLog;
import io.coursewire.support.ExternalPostgres;

/**
 * The erasure's SQL ({@link LearnerRecords}, {@link ErasureAudit}) on both databases, migrated with the
 * project's migrations, the rows written by the service's own writers: a learner's events found by key
 * and among the rows without keys (recorded before V10), each checked against its own event, so that
 * another learner whose key is the same (forced here) keeps everything; every row of the events found
 * removed, attempts and dead letters with them; the audit entry keeps the hash.
 */
class ErasureQueriesTest {

    static final String JANE = "jane.doe@example.com";
    static final String OTHER = "someone.else@example.com";

    @Test
    void aLearnersRowsAreFoundAndRemovedOnH2() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:erasure;DB_CLOSE_DELAY=-1");
        erasesOnlyTheLearner(db);
    }

    @Test
    void aLearnersRowsAreFoundAndRemovedOnPostgreSql(@TempDir Path dir) throws Exception {
        try (ExternalPostgres postgres = ExternalPostgres.start(dir)) {
            DataSource db = postgres.dataSource();
            erasesOnlyTheLearner(db);
        }
    }

    private static void erasesOnlyTheLearner(DataSource db) throws Exception {
        Flyway.configure().dataSource(db).load().migrate();
        EventLog log = new EventLog(db);
        DeliveryRecords records = new DeliveryRecords(db);
        LearnerKeys janeKeys = new LearnerKeys(LearnerKeys.ofEmail(JANE), LearnerKeys.ofLearner("toolzz", "42"));

        // Jane's: keyed, keyed and logged twice (a redelivery to the router), before V10 (no keys, her email in another case).
        log.record("evt_j1", "toolzz", "course.completed", Instant.parse("2026-12-01T10:00:00Z"), "c1", janeKeys, 1_000, event("evt_j1", "toolzz", "42", JANE));
        byte[] j2 = event("evt_j2", "tagmango", null, JANE);
        log.record("evt_j2", "tagmango", "course.completed", Instant.parse("2026-12-01T10:00:01Z"), "c1", LearnerKeys.of(json(j2)), 2_000, j2);
        log.record("evt_j2", "tagmango", "course.completed", Instant.parse("2026-12-01T10:00:01Z"), "c1", LearnerKeys.of(json(j2)), 2_000, j2);
        log.record("evt_j3", "thinkific", "course.completed", Instant.parse("2026-12-01T10:00:02Z"), 3_000, event("evt_j3", "thinkific", "56", " Jane.Doe@Example.COM "));
        // Someone else's: keyed; keyed with Jane's very keys (a collision, forced); before V10.
        log.record("evt_o1", "toolzz", "course.completed", Instant.parse("2026-12-01T10:00:03Z"), "c1", LearnerKeys.of(json(event("evt_o1", "toolzz", "7", OTHER))),
                4_000, event("evt_o1", "toolzz", "7", OTHER));
        log.record("evt_o2", "toolzz", "course.completed", Instant.parse("2026-12-01T10:00:04Z"), "c1", janeKeys, 5_000, event("evt_o2", "toolzz", "8", OTHER));
        log.record("evt_o3", "thinkific", "course.completed", Instant.parse("2026-12-01T10:00:05Z"), 6_000, event("evt_o3", "thinkific", "9", OTHER));
        assertThat(log.awaitRecorded(Duration.ofSeconds(10))).isTrue();

        for (String[] a : new String[][] { { "evt_j1", "1000" }, { "evt_j2", "2000" }, { "evt_j3", "3000" }, { "evt_o1", "4000" }, { "evt_o2", "5000" } }) {
            DeliveryRequest d = new DeliveryRequest(a[0], Long.parseLong(a[1]), "crm", 1, DeliveryRequest.ROUTED, 0, new byte[0]);
            records.attempt(d, Instant.now(), 3, 503, "HTTP 503", DeliveryRecords.Outcome.RETRYING);
            records.attempt(d.nextAttempt(), Instant.now(), 3, 503, "HTTP 503", DeliveryRecords.Outcome.DEAD);
        }
        assertThat(records.awaitRecorded(Duration.ofSeconds(10))).isTrue();
        // Dead letters: Jane's keyed, Jane's only as a dead letter (its log row gone), the other's with the colliding key.
        records.deadLetter(new DeliveryRequest("evt_j1", 1_000, "crm", 2, DeliveryRequest.ROUTED, 0, event("evt_j1", "toolzz", "42", JANE)), 503, "HTTP 503");
        records.deadLetter(new DeliveryRequest("evt_j4", 7_000, "crm", 2, DeliveryRequest.ROUTED, 0, event("evt_j4", "toolzz", "42", JANE)), 503, "HTTP 503");
        deadLetterWithKey(db, "evt_o2", 5_000, event("evt_o2", "toolzz", "8", OTHER), janeKeys.email());
        legacyDeadLetter(db, "evt_j3", 3_000, event("evt_j3", "thinkific", "56", " Jane.Doe@Example.COM "));

        LearnerRecords learner = new LearnerRecords(db);
        LearnerRecords.Found found = learner.find(LearnerIdentity.byEmail(" JANE.doe@example.com"));
        assertThat(found.eventIds()).containsExactlyInAnyOrder("evt_j1", "evt_j2", "evt_j3", "evt_j4");
        LearnerRecords.Removed removed = learner.remove(found);
        assertThat(removed).isEqualTo(new LearnerRecords.Removed(4, 6, 3));

        assertThat(strings(db, "SELECT id FROM event_log ORDER BY seq")).containsExactly("evt_o1", "evt_o2", "evt_o3");
        assertThat(strings(db, "SELECT DISTINCT event_id FROM delivery_attempt ORDER BY event_id")).containsExactly("evt_o1", "evt_o2");
        assertThat(strings(db, "SELECT event_id FROM dead_letter")).containsExactly("evt_o2");
        for (String payload : strings(db, "SELECT payload FROM dead_letter")) {
            assertThat(payload.toLowerCase()).doesNotContain("jane");
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT payload FROM event_log")) {
            while (rs.next()) {
                assertThat(new String(rs.getBytes(1), StandardCharsets.UTF_8).toLowerCase()).doesNotContain("jane");
            }
        }
        // Her events are gone from the arrival blocks (V14) too, keys and all; the others' stay findable.
        assertThat(blockIds(db)).containsExactlyInAnyOrder("evt_o1", "evt_o2", "evt_o3");
        // Again: nothing left to find.
        assertThat(learner.find(LearnerIdentity.byEmail(JANE)).events()).isEmpty();

        // By vendor and learner id: only that vendor's learner 7, not learner 7 elsewhere nor the colliding one.
        LearnerRecords.Found seven = learner.find(LearnerIdentity.byLearner("toolzz", "7"));
        assertThat(seven.eventIds()).containsExactly("evt_o1");
        assertThat(learner.find(LearnerIdentity.byLearner("thinkific", "7")).events()).isEmpty();
        assertThat(learner.remove(seven)).isEqualTo(new LearnerRecords.Removed(1, 2, 0));
        assertThat(blockIds(db)).containsExactlyInAnyOrder("evt_o2", "evt_o3");

        ErasureAudit audit = new ErasureAudit(db);
        LearnerIdentity jane = LearnerIdentity.byEmail(JANE);
        ErasureAudit.Entry entry = audit.record(jane.kind().label(), jane.auditHash(), 4, 6, 3, 1, 0);
        audit.record("learner", LearnerIdentity.byLearner("toolzz", "7").auditHash(), 1, 2, 0, 0, 0);
        List<ErasureAudit.Entry> listed = audit.list(10);
        assertThat(listed).hasSize(2);
        assertThat(listed.get(1)).isEqualTo(entry);
        assertThat(entry.identifierHash()).hasSize(64).isEqualTo(LearnerKeys.auditHash(LearnerKeys.emailIdentity(JANE)));
        assertThat(strings(db, "SELECT identifier_hash || identifier_kind FROM erasure")).allSatisfy(row -> assertThat(row).doesNotContain("jane"));
    }

    /** The event ids every arrival block names. */
    private static List<String> blockIds(DataSource db) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            ArrivalIndex.forEachBlock(c, (block, entries) -> entries.forEach(e -> ids.add(e.id())));
        }
        return ids;
    }

    static byte[] event(String id, String vendor, String learnerId, String email) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"course.completed\",\"time\":\"2026-12-01T10:00:00Z\",\"data\":{\"vendor\":\""
                + vendor + "\",\"learner\":{" + (learnerId == null ? "" : "\"id\":\"" + learnerId + "\",") + "\"email\":\"" + email + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static com.fasterxml.jackson.databind.JsonNode json(byte[] event) throws Exception {
        return io.coursewire.canonical.CanonicalJson.MAPPER.readTree(event);
    }

    private static void deadLetterWithKey(DataSource db, String eventId, long acceptedAt, byte[] payload, long emailKey) throws SQLException {
        insertDeadLetter(db, eventId, acceptedAt, payload, emailKey);
    }

    /** As stored before V10: no keys. */
    private static void legacyDeadLetter(DataSource db, String eventId, long acceptedAt, byte[] payload) throws SQLException {
        insertDeadLetter(db, eventId, acceptedAt, payload, null);
    }

    private static void insertDeadLetter(DataSource db, String eventId, long acceptedAt, byte[] payload, Long emailKey) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letter (delivery_key, event_id, target,"
                + " attempts, last_status, last_error, dead_at, payload, event_accepted_at, email_key) VALUES (?, ?, 'archive', 1, NULL, 'x',"
                + " CURRENT_TIMESTAMP, ?, ?, ?)")) {
            ps.setString(1, eventId + "/archive/0");
            ps.setString(2, eventId);
            ps.setString(3, new String(payload, StandardCharsets.UTF_8));
            ps.setLong(4, acceptedAt);
            ps.setObject(5, emailKey, java.sql.Types.BIGINT);
            ps.executeUpdate();
        }
    }

    private static List<String> strings(DataSource db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}

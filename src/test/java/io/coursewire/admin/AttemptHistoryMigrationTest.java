package io.coursewire.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A database written before attempts were keyed by acceptance time (schema version 2) keeps its
 * history: after the upgrade, the admin API's queries still find each event's attempts, including
 * those of an event known only through its dead letter.
 */
class AttemptHistoryMigrationTest {

    private static final String ROUTED = "evt_00000000000000000000000000000001";
    private static final String DEAD_ONLY = "evt_00000000000000000000000000000002";
    private static final String OTHER = "evt_00000000000000000000000000000003";

    @Test
    void attemptsRecordedBeforeTheUpgradeAreStillShownWithTheirEvent() throws SQLException {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:attempt-history;DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(db).target("2").load().migrate();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO event (id, vendor, type, event_time, routed_at, payload) VALUES"
                    + " ('" + ROUTED + "', 'tagmango', 'course.completed', TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:01.250+00', '{}'),"
                    + " ('" + OTHER + "', 'tagmango', 'course.completed', TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:01.250+00', '{}')");
            s.execute("INSERT INTO dead_letter (delivery_key, event_id, target, attempts, last_status, last_error, dead_at, payload) VALUES"
                    + " ('" + DEAD_ONLY + "/crm/0', '" + DEAD_ONLY + "', 'crm', 2, 503, 'HTTP 503',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-01 11:00:00+00', '{\"id\":\"" + DEAD_ONLY + "\"}')");
            s.execute("INSERT INTO delivery_attempt (event_id, target, attempt, attempted_at, duration_ms, status, error, outcome) VALUES"
                    + attempt(ROUTED, "crm", 1, 500, "retrying") + "," + attempt(ROUTED, "crm", 2, 200, "delivered") + ","
                    + attempt(ROUTED, "archive", 1, null, "delivered") + "," + attempt(OTHER, "crm", 1, 200, "delivered") + ","
                    + attempt(DEAD_ONLY, "crm", 1, 503, "retrying") + "," + attempt(DEAD_ONLY, "crm", 2, 503, "dead"));
        }

        Flyway.configure().dataSource(db).load().migrate();

        AdminQueries queries = new AdminQueries(db);
        AdminQueries.StoredEvent routed = queries.event(ROUTED).orElseThrow();
        assertThat(routed.acceptedAt()).isEqualTo(java.time.Instant.parse("2026-11-01T10:00:01.250Z").toEpochMilli());
        Map<String, List<AdminQueries.Attempt>> attempts = queries.attempts(routed);
        assertThat(attempts.keySet()).containsExactly("crm", "archive");
        assertThat(attempts.get("crm")).extracting(AdminQueries.Attempt::outcome).containsExactly("retrying", "delivered");

        AdminQueries.StoredEvent deadOnly = queries.event(DEAD_ONLY).orElseThrow();
        assertThat(queries.attempts(deadOnly).get("crm")).extracting(AdminQueries.Attempt::status).containsExactly(503, 503);
        long replayKey = queries.deadLetters(null, false, null, 10).stream().map(d -> Long.parseLong(d.id())).findFirst().orElseThrow();
        assertThat(queries.deadLetter(replayKey).orElseThrow().eventAcceptedAt()).isEqualTo(deadOnly.acceptedAt());
    }

    private static String attempt(String eventId, String target, int attempt, Integer status, String outcome) {
        return "('" + eventId + "', '" + target + "', " + attempt + ", TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:02+00', 5, " + status
                + ", NULL, '" + outcome + "')";
    }
}

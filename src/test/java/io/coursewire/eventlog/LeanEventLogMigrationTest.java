package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import io.coursewire.admin.AdminQueries;

/**
 * A database written before the event log became append-only (schema version 3) keeps every event:
 * after the upgrade the events API shows each one as before, and the Idempotent Receiver's seed reads
 * them in the order they arrived.
 */
class LeanEventLogMigrationTest {

    private static final String OLDER = "evt_ffeeddccbbaa99887766554433221100";
    private static final String NEWER = "evt_00112233445566778899aabbccddeeff";

    @Test
    void eventsLoggedBeforeTheUpgradeAreFoundWithTheirTimesAndExactJson() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:lean-event-log-migration;DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(db).target("3").load().migrate();
        String json = "{\"id\":\"" + OLDER + "\",\"data\":{\"learner\":{\"name\":\"Zoë Ñúñez 🎓\"}}}";
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO event (id, vendor, type, event_time, accepted_at, routed_at, payload) VALUES"
                    + " ('" + OLDER + "', 'thinkific', 'course.completed', TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00.654321+00',"
                    + " 1793527201000, TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:01.250+00', '" + json + "'),"
                    + " ('" + NEWER + "', 'toolzz', 'course.enrolled', TIMESTAMP WITH TIME ZONE '2026-11-02 08:00:00-03',"
                    + " 1793613600000, TIMESTAMP WITH TIME ZONE '2026-11-02 11:00:00.5+00', '{}')");
        }

        Flyway.configure().dataSource(db).load().migrate();

        AdminQueries queries = new AdminQueries(db);
        AdminQueries.StoredEvent older = queries.event(OLDER).orElseThrow();
        assertThat(older.payload()).isEqualTo(json);
        assertThat(older.time()).isEqualTo("2026-11-01T10:00:00.654321Z");
        assertThat(older.routedAt()).isEqualTo("2026-11-01T10:00:01.250Z");
        assertThat(older.acceptedAt()).isEqualTo(1793527201000L);
        assertThat(older.vendor()).isEqualTo("thinkific");
        AdminQueries.StoredEvent newer = queries.event(NEWER).orElseThrow();
        assertThat(newer.time()).isEqualTo("2026-11-02T11:00:00Z");
        assertThat(newer.type()).isEqualTo("course.enrolled");
        EventLog log = new EventLog(db);
        assertThat(log.recentIds(10)).containsExactly(NEWER, OLDER);
        log.flushAndStop();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT COUNT(*) FROM event")).as("the old table is gone").isInstanceOf(SQLException.class);
        }
    }
}

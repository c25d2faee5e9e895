package io.coursewire.lifecycle;

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

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.delivery.DeliveryRecords;
import io.coursewire.eventlog.EventLog;
import io.coursewire.support.ExternalPostgres;

/**
 * The retention purge's SQL on both databases (migrated with the project's migrations, rows written by
 * the service's own writers), by two instances sharing the database as in the cluster profile: only the
 * one holding the lease purges; the other takes over when the holder hands it back at a clean stop, or
 * once the holder has not renewed it for three intervals (it died).
 */
class RetentionLeaseTest {

    static final Duration EVENTS = Duration.ofHours(1);
    static final Duration DEAD_LETTERS = Duration.ofHours(3);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    @Test
    void oneInstancePurgesOnH2() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:retention-lease;DB_CLOSE_DELAY=-1");
        oneInstancePurgesAtATime(db);
    }

    @Test
    void oneInstancePurgesOnPostgreSql(@TempDir Path dir) throws Exception {
        try (ExternalPostgres postgres = ExternalPostgres.start(dir)) {
            DataSource db = postgres.dataSource();
            oneInstancePurgesAtATime(db);
        }
    }

    private static void oneInstancePurgesAtATime(DataSource db) throws Exception {
        Flyway.configure().dataSource(db).load().migrate();
        EventLog log = new EventLog(db);
        DeliveryRecords records = new DeliveryRecords(db);
        // Batches of 2 rows: each table is walked in several batches.
        RetentionPurge first = new RetentionPurge(() -> db, settings(2), "instance-a");
        RetentionPurge second = new RetentionPurge(() -> db, settings(2), "instance-b");

        writeEvents(log, records, "a", 5);
        records.deadLetter(delivery("evt_a0"), 503, "HTTP 503");
        records.deadLetter(delivery("evt_a1"), 410, "HTTP 410");
        execute(db, "UPDATE dead_letter SET replayed_at = CURRENT_TIMESTAMP WHERE event_id = 'evt_a1'");
        // One event and its attempts made "in the future": younger than the retention whenever the purge runs.
        long future = Instant.now().plus(Duration.ofHours(10)).toEpochMilli();
        execute(db, "UPDATE event_log SET routed_at = " + future + " WHERE id = 'evt_a4'");
        execute(db, "UPDATE delivery_attempt SET attempted_at = CURRENT_TIMESTAMP + INTERVAL '10' HOUR WHERE event_id = 'evt_a4'");

        // Two hours on: events and attempts (1 h) are expired, dead letters (3 h) not, but the one replayed is.
        Instant later = Instant.now().plus(Duration.ofHours(2));
        RetentionPurge.Removed removed = first.run(later);
        assertThat(removed).isEqualTo(new RetentionPurge.Removed(true, 4, 8, 1));
        assertThat(strings(db, "SELECT id FROM event_log")).containsExactly("evt_a4");
        assertThat(strings(db, "SELECT DISTINCT event_id FROM delivery_attempt")).containsExactly("evt_a4");
        assertThat(strings(db, "SELECT event_id FROM dead_letter")).containsExactly("evt_a0");

        // The young event ages (the walk stops at the first young row: rows after it would wait for it).
        execute(db, "UPDATE event_log SET routed_at = " + Instant.now().toEpochMilli() + " WHERE id = 'evt_a4'");
        execute(db, "UPDATE delivery_attempt SET attempted_at = CURRENT_TIMESTAMP WHERE event_id = 'evt_a4'");

        // The other instance skips its runs while the first holds the lease; the rows wait for the holder.
        writeEvents(log, records, "b", 3);
        assertThat(second.run(later)).isEqualTo(new RetentionPurge.Removed(false, 0, 0, 0));
        assertThat(strings(db, "SELECT id FROM event_log")).hasSize(4);
        assertThat(first.run(later.plusSeconds(50))).isEqualTo(new RetentionPurge.Removed(true, 4, 8, 0));

        // The holder dies (renews no more): after three intervals the other instance takes over.
        writeEvents(log, records, "c", 2);
        // The last renewal was at later + 50 s plus however long that run took (seconds, on a loaded machine).
        Instant lapsed = later.plusSeconds(50).plus(INTERVAL.multipliedBy(3)).plusSeconds(60);
        assertThat(second.run(later.plusSeconds(50).plus(INTERVAL.multipliedBy(3)).minusSeconds(1)).leased()).isFalse();
        assertThat(second.run(lapsed)).isEqualTo(new RetentionPurge.Removed(true, 2, 4, 0));
        assertThat(first.run(lapsed).leased()).isFalse();

        // A clean stop hands the lease back: the first instance purges at its very next run.
        writeEvents(log, records, "d", 1);
        second.release();
        assertThat(first.run(lapsed.plusSeconds(1))).isEqualTo(new RetentionPurge.Removed(true, 1, 2, 0));
        assertThat(strings(db, "SELECT id FROM event_log")).isEmpty();
        assertThat(strings(db, "SELECT event_id FROM delivery_attempt")).isEmpty();
        assertThat(strings(db, "SELECT holder FROM lease WHERE name = 'retention-purge'")).containsExactly("instance-a");
    }

    /** {@code count} events, each with two attempts (one retried, one delivered). */
    private static void writeEvents(EventLog log, DeliveryRecords records, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String id = "evt_" + prefix + i;
            log.record(id, "toolzz", "course.completed", Instant.parse("2026-12-01T10:00:00Z"), 1_000 + i,
                    ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
            DeliveryRequest d = delivery(id);
            records.attempt(d, Instant.now(), 3, 503, "HTTP 503", DeliveryRecords.Outcome.RETRYING);
            records.attempt(d.nextAttempt(), Instant.now(), 3, 204, null, DeliveryRecords.Outcome.DELIVERED);
        }
        assertThat(log.awaitRecorded(Duration.ofSeconds(10))).isTrue();
        assertThat(records.awaitRecorded(Duration.ofSeconds(10))).isTrue();
    }

    private static DeliveryRequest delivery(String eventId) {
        return new DeliveryRequest(eventId, 1_000, "crm", 1, DeliveryRequest.ROUTED, 0,
                ("{\"id\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static CoursewireConfig.Retention settings(int batchSize) {
        return new CoursewireConfig.Retention() {
            @Override
            public Duration events() {
                return EVENTS;
            }

            @Override
            public Duration deadLetters() {
                return DEAD_LETTERS;
            }

            @Override
            public Duration interval() {
                return INTERVAL;
            }

            @Override
            public int batchSize() {
                return batchSize;
            }
        };
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static List<String> strings(DataSource db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}

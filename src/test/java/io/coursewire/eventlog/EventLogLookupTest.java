package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import io.coursewire.admin.AdminQueries;

/**
 * The append-only event log on the real schema and a real database (H2): what the events API and the
 * Idempotent Receiver's seed read back from it.
 */
class EventLogLookupTest {

    private static final Instant TIME = Instant.parse("2026-11-20T18:30:00.123456Z");

    private static JdbcDataSource database(String name) {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(db).load().migrate();
        return db;
    }

    private static byte[] json(String id) {
        return ("{\"id\":\"" + id + "\",\"name\":\"Ana Lúcia\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void idsThatShareTheirFirst64BitsAreEachFoundWithTheirOwnEvent() throws Exception {
        JdbcDataSource db = database("lookup-shared-key");
        EventLog log = new EventLog(db);
        // Same bucket and same key (the first 16 hex digits), different ids; and 2,000 other events around them.
        String first = "evt_0123456789abcdef0000000000000001";
        String second = "evt_0123456789abcdef0000000000000002";
        assertThat(EventLog.idKey(first)).isEqualTo(EventLog.idKey(second));
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            others.add(String.format("evt_%016x%016x", (long) i * 0x9E3779B97F4A7C15L, i));
        }
        for (int i = 0; i < others.size(); i++) {
            if (i == 500) {
                log.record(first, "tagmango", "course.completed", TIME, 1_000, json(first));
            }
            if (i == 1500) {
                log.record(second, "zapnito", "course.enrolled", TIME, 2_000, json(second));
            }
            log.record(others.get(i), "toolzz", "course.progressed", TIME, 3_000 + i, json(others.get(i)));
        }
        log.flushAndStop();

        AdminQueries queries = new AdminQueries(db);
        AdminQueries.StoredEvent a = queries.event(first).orElseThrow();
        AdminQueries.StoredEvent b = queries.event(second).orElseThrow();
        assertThat(a.payload()).isEqualTo(new String(json(first), StandardCharsets.UTF_8));
        assertThat(a.acceptedAt()).isEqualTo(1_000);
        assertThat(a.vendor()).isEqualTo("tagmango");
        assertThat(a.time()).isEqualTo("2026-11-20T18:30:00.123456Z");
        assertThat(b.payload()).isEqualTo(new String(json(second), StandardCharsets.UTF_8));
        assertThat(b.type()).isEqualTo("course.enrolled");
        assertThat(queries.event(others.get(1234)).orElseThrow().acceptedAt()).isEqualTo(3_000 + 1234);
        assertThat(queries.event("evt_0123456789abcdef0000000000000003")).isEmpty();
    }

    @Test
    void anEventLoggedTwiceIsShownAsFirstLoggedAndTheSeedReadsNewestFirst() throws Exception {
        JdbcDataSource db = database("lookup-twice");
        EventLog log = new EventLog(db);
        String id = "evt_00000000000000000000000000000042";
        log.record(id, "tagmango", "course.completed", TIME, 1_000, json(id));
        log.record("evt_00000000000000000000000000000043", "tagmango", "course.completed", TIME, 1_500, json("x"));
        log.record(id, "tagmango", "course.completed", TIME, 2_000, json(id)); // the router's redelivery after a crash
        log.flushAndStop();

        assertThat(new AdminQueries(db).event(id).orElseThrow().acceptedAt()).isEqualTo(1_000);
        assertThat(log.recentIds(10)).containsExactly(id, "evt_00000000000000000000000000000043", id);
    }

    /**
     * V14: a routed event costs the store its row and nothing else, no secondary-index insert; the
     * lookups read the arrival blocks, about one per 1,024 events once merged.
     */
    @Test
    void theLogHasNoSecondaryIndexAndItsBlocksMergeToAboutOnePer1024Events() throws Exception {
        JdbcDataSource db = database("lookup-blocks");
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet indexes = s.executeQuery("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'EVENT_LOG'")) {
            List<String> names = new ArrayList<>();
            while (indexes.next()) {
                names.add(indexes.getString(1));
            }
            assertThat(names).hasSize(1).allSatisfy(name -> assertThat(name).startsWith("PRIMARY_KEY"));
        }
        EventLog log = new EventLog(db);
        for (int i = 0; i < 10_000; i++) {
            String id = String.format("evt_%032x", i * 7919L);
            log.record(id, "toolzz", "course.progressed", TIME, "course-" + i % 3, io.coursewire.canonical.LearnerKeys.NONE, i, json(id));
        }
        log.flushAndStop();

        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet blocks = s.executeQuery("SELECT COUNT(*), SUM(entries) FROM event_log_block")) {
            blocks.next();
            // Merged once a writer's small blocks reach 1,024 entries (the batch that passes the mark goes in
            // too, up to 500 more); the last few may still be small.
            assertThat(blocks.getLong(2)).isEqualTo(10_000);
            assertThat(blocks.getLong(1)).isBetween(10_000L / (ArrivalBlocks.BLOCK_ENTRIES + 500), 10_000L / ArrivalBlocks.BLOCK_ENTRIES + 3);
            assertThat(ArrivalIndex.seqsOfCourse(c, "course-1")).hasSize(3_333);
            assertThat(ArrivalIndex.seqsOf(c, String.format("evt_%032x", 4242 * 7919L))).hasSize(1);
        }
        assertThat(new AdminQueries(db).event(String.format("evt_%032x", 9999 * 7919L)).orElseThrow().acceptedAt()).isEqualTo(9999);
        assertThat(log.recentIds(3)).containsExactly(String.format("evt_%032x", 9999 * 7919L), String.format("evt_%032x", 9998 * 7919L),
                String.format("evt_%032x", 9997 * 7919L));
    }
}

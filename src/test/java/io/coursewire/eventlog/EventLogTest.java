package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The event log on the real schema (the Flyway migrations) and a real database (H2). */
class EventLogTest {

    @Test
    void anEventTooLargeForItsColumnIsTheOnlyOneMissingFromTheLog() throws Exception {
        JdbcDataSource db = migrated("event-log-too-large");
        EventLog log = new EventLog(db);

        String tooLarge = "{\"data\":\"" + "x".repeat(1_048_576) + "\"}"; // payload is VARBINARY(1048576)
        for (int i = 0; i < 300; i++) {
            String json = i == 150 ? tooLarge : "{\"n\":" + i + "}";
            log.record(id(i), "tagmango", "course.completed", Instant.parse("2026-11-20T18:30:00Z"), 1_700_000_000_000L + i,
                    json.getBytes(StandardCharsets.UTF_8));
        }
        log.flushAndStop();

        List<String> recorded = log.recentIds(1000);
        assertThat(recorded).hasSize(299).doesNotContain(id(150)).contains(id(149), id(151));
        // Written row by row after the refusal, each with its arrival-block entry in its own transaction.
        List<String> inBlocks = new java.util.ArrayList<>();
        try (var c = db.getConnection()) {
            ArrivalIndex.forEachBlock(c, (block, entries) -> entries.forEach(e -> inBlocks.add(e.id())));
        }
        assertThat(inBlocks).containsExactlyInAnyOrderElementsOf(recorded);
    }

    @Test
    void theRecentIdsComeNewestFirstFromTheArrivalBlocksNotFromTheRows() throws Exception {
        JdbcDataSource db = migrated("event-log-recent-ids");
        EventLog log = new EventLog(db);
        for (int i = 0; i < 300; i++) {
            log.record(id(i), "tagmango", "course.completed", Instant.parse("2026-11-20T18:30:00Z"), 1_700_000_000_000L + i,
                    ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        log.flushAndStop();

        assertThat(log.recentIds(100)).hasSize(100).startsWith(id(299), id(298)).endsWith(id(200));
        // Seeding the Idempotent Receiver's window reads 100,000 of these at every start: from the
        // arrival blocks' ids (16 bytes each), not the rows with their canonical bodies.
        try (var c = db.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE event_log SET id = 'not-read'");
        }
        assertThat(log.recentIds(100)).hasSize(100).startsWith(id(299), id(298)).endsWith(id(200));
    }

    /** An in-memory database on the real schema (every Flyway migration). */
    private static JdbcDataSource migrated(String name) {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(db).load().migrate();
        return db;
    }

    private static String id(int i) {
        return String.format("evt_%032x", i);
    }
}

package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.LearnerKeys;

/**
 * The record of every routed event (id, vendor, type, time, the canonical JSON), kept in the
 * database so it survives restarts and operators can inspect it. Plain JDBC with portable SQL: the
 * same statements run on H2 and PostgreSQL.
 *
 * <p>Append-only ({@code event_log}, see {@code db.migration.V4__lean_event_log}), with no index but its
 * arrival order: what readers search by (id, course, learner keys) goes into arrival blocks written in
 * the same transaction as the rows ({@link ArrivalBlocks}, V14), so an event costs the store one row
 * and no B-tree insert at a random place. Rows carry the canonical JSON as the bytes the broker
 * delivered, with times as epoch numbers: recording an event copies and converts nothing.
 *
 * <p>Writes are batched ({@link BatchedInserts}) so the routing stage never waits on the database.
 * The log is a record, not the guarantee: an event is durable in the broker before it is routed, and
 * a row lost to a crash in the last batch does not lose the event.
 */
@Singleton
public class EventLog {

    private static final String INSERT =
            "INSERT INTO event_log (id_bucket, id_key, id, vendor, type, event_time, accepted_at, routed_at, payload, course_id,"
                    + " email_key, learner_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The longest course id recorded for the course filter (V9); a longer one is stored as none. */
    public static final int MAX_COURSE_ID = 256;

    private record Row(String id, String vendor, String type, long timeMicros, long acceptedAt, long routedAt, byte[] json, String courseId,
            LearnerKeys learner) {
    }

    /**
     * Rows that may wait for the writer (plus the batch of {@value BatchedInserts#BATCH} it writes).
     * After a crash, routed events whose rows were still waiting are known only to the broker's
     * duplicate-id cache of the newest accepted ids (see IdempotentReceiver#seed), so this bound is
     * part of what that cache must cover; when the database falls behind, the router waits here and
     * the events wait in the broker instead, where the restart finds them.
     */
    public static final int QUEUED_ROWS = 2_000;

    private final DataSource dataSource;
    private final BatchedInserts<Row> rows;

    @Inject
    public EventLog(@Migrated DataSource dataSource) {
        this.dataSource = dataSource;
        ArrivalBlocks blocks = new ArrivalBlocks();
        this.rows = new BatchedInserts<>(dataSource, "event-log", INSERT, EventLog::bind, row -> "event " + row.id(), QUEUED_ROWS,
                new BatchedInserts.Companion<>() {
                    @Override
                    public String generatedKey() {
                        return "seq";
                    }

                    @Override
                    public Runnable write(Connection c, List<Row> batch, long[] seqs) throws SQLException {
                        List<ArrivalBlock.Entry> entries = new ArrayList<>(batch.size());
                        for (int i = 0; i < seqs.length; i++) {
                            Row row = batch.get(i);
                            entries.add(new ArrivalBlock.Entry(seqs[i], row.id(), row.courseId(), row.learner().email(), row.learner().learner()));
                        }
                        return blocks.write(c, entries);
                    }
                });
    }

    /**
     * Records a routed event ({@code acceptedAt}: epoch millis of its 202, the key its delivery attempts
     * are recorded under). An event the broker redelivers to the router is recorded again; readers
     * take its first row.
     */
    public void record(String id, String vendor, String type, Instant time, long acceptedAt, byte[] json) throws InterruptedException {
        record(id, vendor, type, time, null, LearnerKeys.NONE, acceptedAt, json);
    }

    /** As above, with the event's course id (the listing filters by it) and its learner's keys (an erasure finds it by them). */
    public void record(String id, String vendor, String type, Instant time, String courseId, LearnerKeys learner, long acceptedAt,
            byte[] json) throws InterruptedException {
        rows.add(new Row(id, vendor, type, micros(time), acceptedAt, System.currentTimeMillis(), json,
                courseId == null || courseId.length() > MAX_COURSE_ID ? null : courseId, learner));
    }

    /** Waits until the rows recorded before this call are in the database, at most {@code timeout}; true when they are. */
    public boolean awaitRecorded(java.time.Duration timeout) throws InterruptedException {
        return rows.awaitWritten(timeout);
    }

    /** The first 64 bits of the id ({@link EventIds#bits}), as the {@code id_key} column holds them. */
    public static long idKey(String id) {
        return EventIds.bits(id).hi();
    }

    /**
     * One of 64 buckets: the top 6 bits of the key. The index these led (V4, V5) is gone (V14); the
     * columns are still written, so an older instance reading them during a rolling upgrade finds them.
     */
    public static int idBucket(long idKey) {
        return (int) (idKey >>> 58);
    }

    public static long micros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
    }

    public static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** The ids of the most recently routed events, newest first, from the arrival blocks (V14). */
    public List<String> recentIds(int limit) {
        List<String> ids = new ArrayList<>(Math.min(limit, 1 << 16));
        try (Connection c = dataSource.getConnection()) {
            ArrivalIndex.recentIds(c, limit, ids);
        } catch (SQLException e) {
            throw new IllegalStateException("event log read failed", e);
        }
        return ids;
    }

    @PreDestroy
    void flushAndStop() throws InterruptedException {
        rows.close();
    }

    private static void bind(PreparedStatement ps, Row row) throws SQLException {
        long key = idKey(row.id());
        ps.setShort(1, (short) idBucket(key));
        ps.setLong(2, key);
        ps.setString(3, row.id());
        ps.setString(4, row.vendor());
        ps.setString(5, row.type());
        ps.setLong(6, row.timeMicros());
        ps.setLong(7, row.acceptedAt());
        ps.setLong(8, row.routedAt());
        ps.setBytes(9, row.json());
        ps.setString(10, row.courseId());
        setKey(ps, 11, row.learner().email());
        setKey(ps, 12, row.learner().learner());
    }

    private static void setKey(PreparedStatement ps, int index, Long key) throws SQLException {
        if (key == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, key);
        }
    }
}

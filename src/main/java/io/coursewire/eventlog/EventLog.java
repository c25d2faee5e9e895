package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The record of every routed event (id, vendor, type, time, the canonical JSON), kept in the
 * database so it survives restarts and operators can inspect it. Plain JDBC with portable SQL: the
 * same statements run on H2 and PostgreSQL.
 *
 * <p>Writes are batched ({@link BatchedInserts}) so the routing stage never waits on the database.
 * The log is a record, not the guarantee: an event is durable in the broker before it is routed, and
 * a row lost to a crash in the last batch does not lose the event.
 */
@Singleton
public class EventLog {

    private static final String INSERT =
            "INSERT INTO event (id, vendor, type, event_time, accepted_at, routed_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private record Row(String id, String vendor, String type, Instant time, long acceptedAt, Instant routedAt, String json) {
    }

    private final DataSource dataSource;
    private final BatchedInserts<Row> rows;

    @Inject
    public EventLog(DataSource dataSource) {
        this.dataSource = dataSource;
        this.rows = new BatchedInserts<>(dataSource, "event-log", INSERT, EventLog::bind, row -> "event " + row.id());
    }

    /**
     * Records a routed event ({@code acceptedAt}: epoch millis of its 202, the key its delivery attempts
     * are recorded under); a redelivered event that is already recorded is left as it is.
     */
    public void record(String id, String vendor, String type, Instant time, long acceptedAt, byte[] json) throws InterruptedException {
        rows.add(new Row(id, vendor, type, time, acceptedAt, Instant.now(), new String(json, java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The ids of the most recently routed events, newest first. */
    public List<String> recentIds(int limit) {
        List<String> ids = new ArrayList<>(Math.min(limit, 1 << 16));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM event ORDER BY seq DESC")) {
            ps.setMaxRows(limit);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
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
        ps.setString(1, row.id());
        ps.setString(2, row.vendor());
        ps.setString(3, row.type());
        ps.setObject(4, OffsetDateTime.ofInstant(row.time(), ZoneOffset.UTC));
        ps.setLong(5, row.acceptedAt());
        ps.setObject(6, OffsetDateTime.ofInstant(row.routedAt(), ZoneOffset.UTC));
        ps.setString(7, row.json());
    }
}

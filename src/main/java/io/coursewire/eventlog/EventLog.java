package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The record of every routed event (id, vendor, type, time, the canonical JSON). It survives
 * restarts, seeds the Idempotent Receiver's window at start, and is what operators inspect later.
 * Plain JDBC with portable SQL: the same statements run on H2 and PostgreSQL.
 */
@Singleton
public class EventLog {

    /** SQLState for a unique-constraint violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;

    @Inject
    public EventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records a routed event; a redelivered event that is already recorded is left as it is. */
    public void record(String id, String vendor, String type, java.time.Instant time, byte[] json) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO event (id, vendor, type, event_time, routed_at, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, vendor);
            ps.setString(3, type);
            ps.setObject(4, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
            ps.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(6, new String(json, java.nio.charset.StandardCharsets.UTF_8));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new IllegalStateException("event log write failed", e);
            }
        }
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

    public boolean contains(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event log read failed", e);
        }
    }
}

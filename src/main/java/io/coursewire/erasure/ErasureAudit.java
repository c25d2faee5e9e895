package io.coursewire.erasure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.eventlog.DurableCommit;
import io.coursewire.eventlog.Migrated;

/** The audit trail of erasures (table {@code erasure}, V10): when, what kind of identifier, its one-way hash, and the counts. Never the identifier. */
@Singleton
public class ErasureAudit {

    public record Entry(String id, String requestedAt, String kind, String identifierHash, int events, int attempts, int deadLetters,
            int pendingCancelled, int files) {
    }

    private final DataSource db;

    @Inject
    public ErasureAudit(@Migrated DataSource db) {
        this.db = db;
    }

    /** Stores the entry (its id and time are the database's and now); the stored entry. */
    public Entry record(String kind, String identifierHash, int events, int attempts, int deadLetters, int pendingCancelled, int files)
            throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as both databases keep it
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO erasure (requested_at, identifier_kind, identifier_hash, events, attempts,"
                        + " dead_letters, pending, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setObject(1, now);
            ps.setString(2, kind);
            ps.setString(3, identifierHash);
            ps.setInt(4, events);
            ps.setInt(5, attempts);
            ps.setInt(6, deadLetters);
            ps.setInt(7, pendingCancelled);
            ps.setInt(8, files);
            ps.executeUpdate();
            String id;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = Long.toString(keys.getLong(1));
            }
            DurableCommit.flush(c);
            return new Entry(id, now.toInstant().toString(), kind, identifierHash, events, attempts, deadLetters, pendingCancelled, files);
        }
    }

    /** Newest first, at most {@code limit}. */
    public List<Entry> list(int limit) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, requested_at, identifier_kind, identifier_hash, events, attempts, dead_letters,"
                        + " pending, files FROM erasure ORDER BY id DESC")) {
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(Long.toString(rs.getLong(1)), rs.getObject(2, OffsetDateTime.class).toInstant().toString(),
                            rs.getString(3), rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9)));
                }
            }
        }
        return entries;
    }
}

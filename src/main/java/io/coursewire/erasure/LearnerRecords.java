package io.coursewire.erasure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.eventlog.DurableCommit;
import io.coursewire.eventlog.EventLog;
import io.coursewire.eventlog.Migrated;

/**
 * A learner's rows in the database, found and removed for an erasure, in portable SQL for H2 and
 * PostgreSQL. Found through the learner keys of V10 (in the event log's arrivals index, V13; the key
 * indexes of the dead letters), plus the rows recorded before V10, which have no keys; every
 * candidate's own event is read and checked ({@link LearnerIdentity#matches}). What is removed is
 * then the events found, by id: each of their event-log rows (an event may have more than one), their
 * delivery attempts (by acceptance time and id, as V3 indexes them) and their dead letters.
 */
@Singleton
public class LearnerRecords {

    /** An event of the learner: with its id, the key its attempts are recorded under. */
    public record StoredEvent(String id, long acceptedAt) {
    }

    public record Found(Set<StoredEvent> events) {

        public Set<String> eventIds() {
            Set<String> ids = new LinkedHashSet<>();
            events.forEach(e -> ids.add(e.id()));
            return ids;
        }
    }

    /** Rows deleted: {@code events} counts distinct events, not event-log rows. */
    public record Removed(int events, int attempts, int deadLetters) {
    }

    /** Events removed per transaction: a learner has a few, but a test account may have thousands. */
    static final int EVENTS_PER_TRANSACTION = 500;
    private static final int FETCH = 500;

    private final DataSource db;

    @Inject
    public LearnerRecords(@Migrated DataSource db) {
        this.db = db;
    }

    public Found find(LearnerIdentity who) throws SQLException {
        long key = who.key();
        String keyColumn = who.kind() == LearnerIdentity.Kind.EMAIL ? "email_key" : "learner_key";
        Set<StoredEvent> events = new LinkedHashSet<>();
        try (Connection c = db.getConnection()) {
            // PostgreSQL streams a result set with a fetch size only inside a transaction.
            c.setAutoCommit(false);
            try {
                List<Long> candidates = new ArrayList<>();
                collectSeqs(c, KEYED_ROWS.formatted(keyColumn), ps -> ps.setLong(1, key), candidates);
                collectSeqs(c, UNKEYED_ROWS, ps -> { }, candidates);
                collectLogged(c, candidates, who, events);
                collect(c, "SELECT event_id, event_accepted_at, payload FROM dead_letter WHERE " + keyColumn + " = ?",
                        who, events, ps -> ps.setLong(1, key));
                collect(c, "SELECT event_id, event_accepted_at, payload FROM dead_letter WHERE email_key IS NULL AND learner_key IS NULL", who,
                        events, ps -> { });
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return new Found(events);
    }

    /**
     * The event-log rows with the learner's key, and those without keys (recorded before V10): both
     * read from the index event_log_arrivals alone (V13), which holds every column they name, so an
     * erasure scans narrow index entries, never the rows with their canonical bodies.
     */
    static final String KEYED_ROWS = "SELECT seq FROM event_log WHERE %s = ?";
    static final String UNKEYED_ROWS = "SELECT seq FROM event_log WHERE email_key IS NULL AND learner_key IS NULL";

    private static void collectSeqs(Connection c, String sql, Parameters parameters, List<Long> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.set(ps);
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(rs.getLong(1));
                }
            }
        }
    }

    /** The candidate rows' own events, each checked: a key shared by another learner finds that learner's rows too. */
    private static void collectLogged(Connection c, List<Long> seqs, LearnerIdentity who, Set<StoredEvent> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, accepted_at, payload FROM event_log WHERE seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        JsonNode event = parse(rs.getBytes(3));
                        if (event != null && who.matches(event)) {
                            into.add(new StoredEvent(rs.getString(1), rs.getLong(2)));
                        }
                    }
                }
            }
        }
    }

    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    /** The rows of "SELECT id, accepted at, payload" whose event is the learner's. */
    private static void collect(Connection c, String sql, LearnerIdentity who, Set<StoredEvent> into, Parameters parameters)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.set(ps);
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode event = parse(rs.getString(3));
                    if (event != null && who.matches(event)) {
                        into.add(new StoredEvent(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
        }
    }

    private static JsonNode parse(Object payload) {
        try {
            return payload instanceof byte[] b ? CanonicalJson.MAPPER.readTree(b) : CanonicalJson.MAPPER.readTree((String) payload);
        } catch (IOException | RuntimeException e) {
            return null; // not an event: nobody's, so never erased
        }
    }

    /** Deletes every row of the events found; each batch of events in one transaction. */
    public Removed remove(Found found) throws SQLException {
        List<StoredEvent> events = new ArrayList<>(found.events());
        Set<String> ids = found.eventIds();
        int attempts = 0;
        int deadLetters = 0;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement log = c.prepareStatement("DELETE FROM event_log WHERE id_bucket = ? AND id_key = ? AND id = ?");
                    PreparedStatement attempt = c.prepareStatement("DELETE FROM delivery_attempt WHERE event_accepted_at = ? AND event_id = ?");
                    PreparedStatement dead = c.prepareStatement("DELETE FROM dead_letter WHERE event_id = ?")) {
                int inTransaction = 0;
                for (StoredEvent e : events) {
                    attempt.setLong(1, e.acceptedAt());
                    attempt.setString(2, e.id());
                    attempts += attempt.executeUpdate();
                    inTransaction++;
                    if (inTransaction == EVENTS_PER_TRANSACTION) {
                        c.commit();
                        inTransaction = 0;
                    }
                }
                c.commit();
                for (String id : ids) {
                    long key = EventLog.idKey(id);
                    log.setShort(1, (short) EventLog.idBucket(key));
                    log.setLong(2, key);
                    log.setString(3, id);
                    log.executeUpdate();
                    dead.setString(1, id);
                    deadLetters += dead.executeUpdate();
                    inTransaction++;
                    if (inTransaction == EVENTS_PER_TRANSACTION) {
                        c.commit();
                        inTransaction = 0;
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            DurableCommit.flush(c);
        }
        return new Removed(ids.size(), attempts, deadLetters);
    }
}

package io.coursewire.erasure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.eventlog.ArrivalBlock;
import io.coursewire.eventlog.ArrivalIndex;
import io.coursewire.eventlog.DurableCommit;
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

    /**
     * {@code logRows}: the seqs of the events' event-log rows; {@code blocks}: the arrival blocks that
     * name them (V14); {@code newestBlock}: the highest
     * block id when they were found, so that the removal also looks at blocks merged since.
     */
    public record Found(Set<StoredEvent> events, List<Long> logRows, Set<Long> blocks, long newestBlock) {

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
        boolean byEmail = who.kind() == LearnerIdentity.Kind.EMAIL;
        String keyColumn = byEmail ? "email_key" : "learner_key";
        Set<StoredEvent> events = new LinkedHashSet<>();
        Map<Long, Long> blockOfSeq = new HashMap<>();
        List<Long> logRows = new ArrayList<>();
        long newestBlock;
        try (Connection c = db.getConnection()) {
            // PostgreSQL streams a result set with a fetch size only inside a transaction.
            c.setAutoCommit(false);
            try {
                newestBlock = ArrivalIndex.forEachBlock(c, (block, entries) -> {
                    for (ArrivalBlock.Entry e : entries) {
                        if (isCandidate(e, byEmail, key)) {
                            blockOfSeq.put(e.seq(), block);
                        }
                    }
                });
                List<Long> candidates = new ArrayList<>(blockOfSeq.keySet());
                java.util.Collections.sort(candidates);
                collectLogged(c, candidates, who, events, logRows);
                collect(c, "SELECT event_id, event_accepted_at, payload FROM dead_letter WHERE " + keyColumn + " = ?",
                        who, events, ps -> ps.setLong(1, key));
                collect(c, "SELECT event_id, event_accepted_at, payload FROM dead_letter WHERE email_key IS NULL AND learner_key IS NULL", who,
                        events, ps -> { });
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        Set<Long> blocks = new HashSet<>();
        logRows.forEach(seq -> blocks.add(blockOfSeq.get(seq)));
        return new Found(events, logRows, blocks, newestBlock);
    }

    /**
     * An event-log row that may be the learner's, by its arrival-block entry (V14): one with the
     * learner's key, or one with no keys at all (recorded before V10). Its event is then checked.
     */
    static boolean isCandidate(ArrivalBlock.Entry e, boolean byEmail, long key) {
        Long own = byEmail ? e.emailKey() : e.learnerKey();
        return own != null ? own == key : e.emailKey() == null && e.learnerKey() == null;
    }

    /** The candidate rows' own events, each checked: a key shared by another learner finds that learner's rows too. */
    private static void collectLogged(Connection c, List<Long> seqs, LearnerIdentity who, Set<StoredEvent> into, List<Long> rows)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, accepted_at, payload FROM event_log WHERE seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        JsonNode event = parse(rs.getBytes(3));
                        if (event != null && who.matches(event)) {
                            into.add(new StoredEvent(rs.getString(1), rs.getLong(2)));
                            rows.add(seq);
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

    /**
     * Deletes every row of the events found, each batch of events in one transaction, then their
     * entries in the arrival blocks: the blocks that named them when they were found, and any block
     * merged since (a merge moves entries into a new block).
     */
    public Removed remove(Found found) throws SQLException {
        List<StoredEvent> events = new ArrayList<>(found.events());
        Set<String> ids = found.eventIds();
        int attempts = 0;
        int deadLetters = 0;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement log = c.prepareStatement("DELETE FROM event_log WHERE seq = ?");
                    PreparedStatement attempt = c.prepareStatement("DELETE FROM delivery_attempt WHERE event_accepted_at = ? AND event_id = ?");
                    PreparedStatement dead = c.prepareStatement("DELETE FROM dead_letter WHERE event_id = ?")) {
                int inTransaction = 0;
                for (StoredEvent e : events) {
                    attempt.setLong(1, e.acceptedAt());
                    attempt.setString(2, e.id());
                    attempts += attempt.executeUpdate();
                    dead.setString(1, e.id());
                    deadLetters += dead.executeUpdate();
                    if (++inTransaction == EVENTS_PER_TRANSACTION) {
                        c.commit();
                        inTransaction = 0;
                    }
                }
                for (long seq : found.logRows()) {
                    log.setLong(1, seq);
                    log.executeUpdate();
                    if (++inTransaction == EVENTS_PER_TRANSACTION) {
                        c.commit();
                        inTransaction = 0;
                    }
                }
                c.commit();
                Set<Long> blocks = new TreeSet<>(found.blocks());
                blocks.addAll(ArrivalIndex.blocksAfter(c, found.newestBlock()));
                for (long block : blocks) {
                    ArrivalIndex.removeEntries(c, block, e -> ids.contains(e.id()));
                    c.commit(); // one block locked at a time: the event-log writer merges blocks meanwhile
                }
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

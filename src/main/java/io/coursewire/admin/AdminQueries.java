package io.coursewire.admin;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.eventlog.ArrivalIndex;
import io.coursewire.eventlog.DurableCommit;
import io.coursewire.eventlog.EventLog;
import io.coursewire.eventlog.Migrated;

/** The reads (and the few changes) behind the admin API, in portable SQL for H2 and PostgreSQL. */
@Singleton
public class AdminQueries {

    public record DeadLetter(String id, String eventId, String target, int attempts, Integer lastStatus, String lastError,
            String deadAt, String replayedAt) {
    }

    /** {@code eventAcceptedAt}: epoch millis, with the event id the key of the event's attempts. */
    public record StoredDeadLetter(DeadLetter deadLetter, long eventAcceptedAt, String payload) {
    }

    /** {@code acceptedAt}: epoch millis, with the id the key of the event's attempts. */
    public record StoredEvent(String id, long acceptedAt, String vendor, String type, String time, String routedAt, String payload) {
    }

    /** One row of the event listing; {@code seq} is the cursor of the next (older) page. */
    public record EventRow(long seq, String id, String vendor, String type, String time, String payload) {
    }

    /** The listing's filters; null fields do not filter. Times are epoch microseconds, {@code to} exclusive. */
    public record EventFilter(String vendor, String type, String course, String id, Long fromMicros, Long toMicros, Long beforeSeq) {
    }

    public record Attempt(int attempt, String at, int durationMs, Integer status, String error, String outcome) {
    }

    private static final String DEAD_LETTER_COLUMNS =
            "id, event_id, target, attempts, last_status, last_error, dead_at, replayed_at";

    private final DataSource db;

    @Inject
    public AdminQueries(@Migrated DataSource db) {
        this.db = db;
    }

    /** Newest first; {@code beforeId}, when given, starts below that id (the previous page's last). */
    public List<DeadLetter> deadLetters(String target, boolean includeReplayed, Long beforeId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + DEAD_LETTER_COLUMNS + " FROM dead_letter WHERE 1 = 1");
        if (target != null) {
            sql.append(" AND target = ?");
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
        }
        if (!includeReplayed) {
            sql.append(" AND replayed_at IS NULL");
        }
        sql.append(" ORDER BY id DESC");
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            if (target != null) {
                ps.setString(p++, target);
            }
            if (beforeId != null) {
                ps.setLong(p, beforeId);
            }
            ps.setMaxRows(limit);
            List<DeadLetter> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(deadLetter(rs));
                }
            }
            return result;
        }
    }

    public Optional<StoredDeadLetter> deadLetter(long id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT " + DEAD_LETTER_COLUMNS + ", event_accepted_at, payload FROM dead_letter WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredDeadLetter(deadLetter(rs), rs.getLong("event_accepted_at"), rs.getString("payload")))
                        : Optional.empty();
            }
        }
    }

    public String markReplayed(long id) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE dead_letter SET replayed_at = ? WHERE id = ?")) {
            ps.setObject(1, now);
            ps.setLong(2, id);
            ps.executeUpdate();
            DurableCommit.flush(c);
        }
        return now.toInstant().toString();
    }

    /**
     * Deletes a dead letter; false when there is none with this id. On disk when this returns: a deletion
     * is often for personal data, and must not come back after a crash.
     */
    public boolean deleteDeadLetter(long id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM dead_letter WHERE id = ?")) {
            ps.setLong(1, id);
            boolean deleted = ps.executeUpdate() > 0;
            if (deleted) {
                DurableCommit.flush(c);
            }
            return deleted;
        }
    }

    /** The event from the event log, or else from a dead letter that carries it. */
    public Optional<StoredEvent> event(String id) throws SQLException {
        try (Connection c = db.getConnection()) {
            Optional<StoredEvent> logged = fromEventLog(c, id);
            if (logged.isPresent()) {
                return logged;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT event_accepted_at, payload FROM dead_letter WHERE event_id = ? ORDER BY id DESC")) {
                ps.setString(1, id);
                ps.setMaxRows(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new StoredEvent(id, rs.getLong(1), null, null, null, null, rs.getString(2)))
                            : Optional.empty();
                }
            }
        }
    }

    /**
     * The event's first row in the log (an event the broker redelivered to the router after a crash
     * may be logged twice): the candidates from the arrival blocks (V14), then each candidate's row.
     */
    private static Optional<StoredEvent> fromEventLog(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, accepted_at, vendor, type, event_time, routed_at, payload FROM event_log WHERE seq = ?")) {
            for (long seq : ArrivalIndex.seqsOf(c, id)) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && id.equals(rs.getString(1))) {
                        return Optional.of(new StoredEvent(id, rs.getLong(2), rs.getString(3), rs.getString(4),
                                EventLog.fromMicros(rs.getLong(5)).toString(), Instant.ofEpochMilli(rs.getLong(6)).toString(),
                                new String(rs.getBytes(7), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Candidate rows read per query when an id or course filter names them: a bound parameter each. */
    static final int SEQS_PER_QUERY = 200;

    /**
     * The newest events first, at most {@code limit}. An id or course filter first finds its candidate
     * rows in the arrival blocks (V14); those are then read newest first, a chunk at a time, with the
     * other filters, until {@code limit} rows match. Without either, the log is read backwards by seq.
     */
    public List<EventRow> events(EventFilter f, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT seq, id, vendor, type, event_time, payload FROM event_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.id() != null) {
            sql.append(" AND id = ?");
            args.add(f.id());
        }
        if (f.vendor() != null) {
            sql.append(" AND vendor = ?");
            args.add(f.vendor());
        }
        if (f.type() != null) {
            sql.append(" AND type = ?");
            args.add(f.type());
        }
        if (f.course() != null) {
            sql.append(" AND course_id = ?");
            args.add(f.course());
        }
        if (f.fromMicros() != null) {
            sql.append(" AND event_time >= ?");
            args.add(f.fromMicros());
        }
        if (f.toMicros() != null) {
            sql.append(" AND event_time < ?");
            args.add(f.toMicros());
        }
        if (f.beforeSeq() != null) {
            sql.append(" AND seq < ?");
            args.add(f.beforeSeq());
        }
        List<EventRow> rows = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            if (f.id() == null && f.course() == null) {
                sql.append(" ORDER BY seq DESC");
                read(c, sql.toString(), args, limit, rows);
                return rows;
            }
            long[] candidates = f.id() != null ? ArrivalIndex.seqsOf(c, f.id()) : ArrivalIndex.seqsOfCourse(c, f.course());
            int end = candidates.length;
            if (f.beforeSeq() != null) {
                end = lowerBound(candidates, f.beforeSeq());
            }
            while (end > 0 && rows.size() < limit) {
                int start = Math.max(0, end - SEQS_PER_QUERY);
                StringBuilder chunk = new StringBuilder(sql).append(" AND seq IN (");
                List<Object> chunkArgs = new ArrayList<>(args);
                for (int i = end - 1; i >= start; i--) {
                    chunk.append(i == end - 1 ? "?" : ", ?");
                    chunkArgs.add(candidates[i]);
                }
                chunk.append(") ORDER BY seq DESC");
                read(c, chunk.toString(), chunkArgs, limit - rows.size(), rows);
                end = start;
            }
            return rows;
        }
    }

    /** The index of the first candidate at or above {@code seq}. */
    private static int lowerBound(long[] sorted, long seq) {
        int found = java.util.Arrays.binarySearch(sorted, seq);
        if (found < 0) {
            return -found - 1;
        }
        while (found > 0 && sorted[found - 1] == seq) {
            found--;
        }
        return found;
    }

    private static void read(Connection c, String sql, List<Object> args, int limit, List<EventRow> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            EventLog.fromMicros(rs.getLong(5)).toString(), new String(rs.getBytes(6), StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /** Each target's attempts for the event, in order. */
    public Map<String, List<Attempt>> attempts(StoredEvent event) throws SQLException {
        Map<String, List<Attempt>> byTarget = new LinkedHashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT target, attempt, attempted_at, duration_ms, status, error, outcome"
                        + " FROM delivery_attempt WHERE event_accepted_at = ? AND event_id = ? ORDER BY seq")) {
            ps.setLong(1, event.acceptedAt());
            ps.setString(2, event.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byTarget.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(attempt(rs));
                }
            }
        }
        return byTarget;
    }

    /** Target names per query: a bound parameter each, well under any driver's limit. */
    static final int LAST_ATTEMPTS_CHUNK = 500;

    /**
     * Each target's newest attempt, for the targets that have one. One query for up to
     * {@link #LAST_ATTEMPTS_CHUNK} targets: each target's MAX(seq) is read from the end of its range
     * of the (target, seq) index (V8), then those rows by primary key; never every attempt.
     */
    public Map<String, Attempt> lastAttempts(List<String> targets) throws SQLException {
        Map<String, Attempt> last = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            for (int from = 0; from < targets.size(); from += LAST_ATTEMPTS_CHUNK) {
                List<String> chunk = targets.subList(from, Math.min(targets.size(), from + LAST_ATTEMPTS_CHUNK));
                try (PreparedStatement ps = c.prepareStatement(lastAttemptsSql(chunk.size()))) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            last.put(rs.getString(1), attempt(rs));
                        }
                    }
                }
            }
        }
        return last;
    }

    static String lastAttemptsSql(int targets) {
        String newest = "(SELECT MAX(b.seq) FROM delivery_attempt b WHERE b.target = ?)";
        return "SELECT target, attempt, attempted_at, duration_ms, status, error, outcome FROM delivery_attempt WHERE seq IN ("
                + String.join(", ", java.util.Collections.nCopies(targets, newest)) + ")";
    }

    /** A row of "SELECT target, attempt, attempted_at, duration_ms, status, error, outcome". */
    private static Attempt attempt(ResultSet rs) throws SQLException {
        return new Attempt(rs.getInt(2), instant(rs, 3), rs.getInt(4), integer(rs, 5), rs.getString(6), rs.getString(7));
    }

    private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
        return new DeadLetter(Long.toString(rs.getLong("id")), rs.getString("event_id"), rs.getString("target"), rs.getInt("attempts"),
                integer(rs, "last_status"), rs.getString("last_error"), instant(rs, "dead_at"), instant(rs, "replayed_at"));
    }

    private static String instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    private static String instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}

package io.coursewire.delivery;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.LearnerKeys;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.eventlog.BatchedInserts;
import io.coursewire.eventlog.DurableCommit;
import io.coursewire.eventlog.Migrated;
import io.coursewire.eventlog.SqlFailures;

/**
 * What operators inspect (§6): every delivery attempt, and the dead-letter store. Attempts are a
 * record, written in batches off the delivery path. A dead letter is the only copy of a delivery that
 * has left the broker, so it is written at once, before the broker forgets the message.
 */
@Singleton
public class DeliveryRecords {

    /** How an attempt ended. */
    public enum Outcome {
        DELIVERED, RETRYING, DEAD;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Attempt(String eventId, long eventAcceptedAt, String target, int attempt, Instant at, int durationMs, Integer status,
            String error, Outcome outcome) {
    }

    private static final int MAX_ERROR = 1000;
    /** Attempt rows that may wait for their writer before a delivery consumer waits for it. */
    private static final int QUEUED_ATTEMPTS = 10_000;

    private final DataSource dataSource;
    private final BatchedInserts<Attempt> attempts;

    @Inject
    public DeliveryRecords(@Migrated DataSource dataSource) {
        this.dataSource = dataSource;
        this.attempts = new BatchedInserts<>(dataSource, "delivery-attempts",
                "INSERT INTO delivery_attempt (event_id, event_accepted_at, target, attempt, attempted_at, duration_ms, status, error,"
                        + " outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                DeliveryRecords::bind, a -> "attempt " + a.attempt() + " of " + a.eventId() + " to target " + a.target(), QUEUED_ATTEMPTS);
    }

    public void attempt(DeliveryRequest delivery, Instant at, long durationMs, Integer status, String error, Outcome outcome)
            throws InterruptedException {
        attempts.add(new Attempt(delivery.eventId(), delivery.eventAcceptedAt(), delivery.target(), delivery.attempt(), at,
                (int) Math.min(Integer.MAX_VALUE, durationMs), status, clip(error), outcome));
    }

    /** Waits until the attempts recorded before this call are in the database, at most {@code timeout}; true when they are. */
    public boolean awaitRecorded(java.time.Duration timeout) throws InterruptedException {
        return attempts.awaitWritten(timeout);
    }

    /**
     * Stores the delivery as a dead letter; on disk when this returns. A delivery stored before (the
     * broker redelivered it after a crash) is not stored twice. Throws what the database said: the
     * caller tells a passing failure from a row the store will never take ({@link SqlFailures}).
     */
    public void deadLetter(DeliveryRequest delivery, Integer lastStatus, String lastError) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dead_letter (delivery_key, event_id, target, attempts, last_status, last_error, dead_at, payload,"
                            + " event_accepted_at, email_key, learner_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, delivery.key());
                ps.setString(2, delivery.eventId());
                ps.setString(3, delivery.target());
                ps.setInt(4, delivery.attempt());
                setStatus(ps, 5, lastStatus);
                ps.setString(6, clip(lastError));
                ps.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
                ps.setString(8, new String(delivery.json(), StandardCharsets.UTF_8));
                ps.setLong(9, delivery.eventAcceptedAt());
                LearnerKeys keys = learnerKeys(delivery.json());
                ps.setObject(10, keys.email(), java.sql.Types.BIGINT);
                ps.setObject(11, keys.learner(), java.sql.Types.BIGINT);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!SqlFailures.isUniqueViolation(e)) {
                    throw e;
                }
                // Stored by an earlier delivery of this message, which may have stopped before its flush: flushed below.
            }
            DurableCommit.flush(c);
        }
    }

    /** Read from the event itself: dead letters are few, and an unreadable event is stored without keys, never refused. */
    private static LearnerKeys learnerKeys(byte[] json) {
        try {
            return LearnerKeys.of(CanonicalJson.MAPPER.readTree(json));
        } catch (java.io.IOException | RuntimeException e) {
            return LearnerKeys.NONE;
        }
    }

    @PreDestroy
    void flushAndStop() throws InterruptedException {
        attempts.close();
    }

    private static void bind(PreparedStatement ps, Attempt a) throws SQLException {
        ps.setString(1, a.eventId());
        ps.setLong(2, a.eventAcceptedAt());
        ps.setString(3, a.target());
        ps.setInt(4, a.attempt());
        ps.setObject(5, OffsetDateTime.ofInstant(a.at(), ZoneOffset.UTC));
        ps.setInt(6, a.durationMs());
        setStatus(ps, 7, a.status());
        ps.setString(8, a.error());
        ps.setString(9, a.outcome().column());
    }

    private static void setStatus(PreparedStatement ps, int index, Integer status) throws SQLException {
        if (status == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, status);
        }
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
    }
}

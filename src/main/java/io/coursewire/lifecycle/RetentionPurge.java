package io.coursewire.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.eventlog.Migrated;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Retention (PRODUCT.md §10): every {@code coursewire.retention.interval}, on a thread of its own,
 * removes the records older than their retention, oldest first, in batches of
 * {@code coursewire.retention.batch-size} rows, each batch its own short transaction, with a pause
 * after each as long as the batch took: the purge takes at most about half of one connection's time,
 * and ingest, routing and the record writers get the rest.
 *
 * <ul>
 * <li>event records ({@code event_log}) routed, and delivery attempts made, before now − {@code events};</li>
 * <li>dead letters stored before now − {@code dead-letters}, and replayed ones whose replay is older
 * than {@code events}: a replay is a fresh delivery with attempts of its own, so the replayed dead
 * letter is history, kept as long as the attempts that follow it;</li>
 * </ul>
 *
 * Rows are found by primary key, which follows arrival: the first batch's keys and times are read
 * from the start of the table, and everything up to the last expired key is deleted, so each delete
 * is a range of the primary key (portable SQL: no LIMIT in a DELETE, as H2 and PostgreSQL differ).
 * The walk stops at the first young row; a row a little out of time order waits for the next run.
 *
 * <p>The broker is never touched: a pending delivery or a waiting retry carries its own copy of the
 * event, and is delivered (and its attempts recorded) whether or not the event's record is still
 * there. The Idempotent Receiver's window and the broker's duplicate-id cache are not touched either.
 *
 * <p>Instances sharing a database (the cluster profile) take turns through a {@link Lease}: one
 * purges, renewing the lease each run and before each table; the others skip their runs until it
 * expires (three intervals without a renewal) or is handed back at a clean stop.
 */
@Singleton
public class RetentionPurge {

    private static final Logger LOG = Logger.getLogger(RetentionPurge.class);
    /** The least pause between two batches, however fast the last one was. */
    private static final long MIN_PAUSE_MILLIS = 5;

    /** What one run removed; {@code leased} false: another instance holds the lease, and this run removed nothing. */
    public record Removed(boolean leased, long events, long attempts, long deadLetters) {
        static final Removed NOT_LEASED = new Removed(false, 0, 0, 0);

        boolean any() {
            return events + attempts + deadLetters > 0;
        }
    }

    /** A table walked by its primary key, oldest first, and the column that says when a row was made. */
    private record Walk(String table, String key, String time, boolean epochMillis) {
    }

    private static final Walk EVENTS = new Walk("event_log", "seq", "routed_at", true);
    private static final Walk ATTEMPTS = new Walk("delivery_attempt", "seq", "attempted_at", false);
    private static final Walk DEAD_LETTERS = new Walk("dead_letter", "id", "dead_at", false);

    /** Resolved on the purge thread: the start does not wait here for the database to open and migrate. */
    private final Provider<DataSource> database;
    private final CoursewireConfig.Retention settings;
    private final Lease lease;
    private ScheduledExecutorService timer;
    /** Whether the last run held the lease (only the purge thread reads and writes it). */
    private boolean leased;

    @Inject
    public RetentionPurge(@Migrated Provider<DataSource> database, CoursewireConfig config) {
        this(database, config.retention(), Lease.thisProcess());
    }

    /** {@code holder}: this instance's name in the lease. */
    public RetentionPurge(Provider<DataSource> database, CoursewireConfig.Retention settings, String holder) {
        this.database = database;
        this.settings = settings;
        this.lease = new Lease("retention-purge", holder, settings.interval().multipliedBy(3));
    }

    private Connection connection() throws SQLException {
        return database.get().getConnection();
    }

    void start(@Observes StartupEvent start) {
        if (settings.batchSize() < 1 || settings.interval().isNegative() || settings.interval().isZero()) {
            throw new IllegalStateException("coursewire.retention: need batch-size >= 1 and a positive interval");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention-purge");
            t.setDaemon(true);
            return t;
        });
        long every = settings.interval().toMillis();
        // A fixed delay: a long purge is never followed by another at once.
        timer.scheduleWithFixedDelay(this::runQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
            try {
                // The purge thread may be between two statements: let it go before handing the lease back.
                timer.awaitTermination(5, TimeUnit.SECONDS);
                release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("Retention lease not handed back (it expires by itself): %s", e.getClass().getSimpleName());
            }
        }
    }

    /** Hands the lease back: another instance purges from its next run. */
    public void release() throws SQLException {
        try (Connection c = connection()) {
            lease.release(c);
        }
    }

    private void runQuietly() {
        try {
            Removed removed = run(Instant.now());
            if (removed.leased() != leased) {
                leased = removed.leased();
                LOG.infof(leased ? "This instance (%s) now runs the retention purge" : "Another instance runs the retention purge, not this one (%s)",
                        lease.holder());
            }
            if (removed.any()) {
                LOG.infof("Retention removed %d event records, %d delivery attempts and %d dead letters", removed.events(),
                        removed.attempts(), removed.deadLetters());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (SQLException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // shutting down: the pool may be closing under it
            }
            // Never the end of the schedule (an exception would cancel it): the next run tries again.
            LOG.warnf("Retention purge failed, tried again in %s: %s%s", settings.interval(), e.getClass().getSimpleName(),
                    e instanceof SQLException sql ? " (SQLState " + sql.getSQLState() + ")" : "");
        }
    }

    /** One purge as of {@code now}, if this instance holds the lease: what is older than its retention goes. */
    public Removed run(Instant now) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        if (!holdLease(now, started)) {
            return Removed.NOT_LEASED;
        }
        Instant eventsCutoff = now.minus(settings.events());
        long events = purge(EVENTS, eventsCutoff);
        long attempts = holdLease(now, started) ? purge(ATTEMPTS, eventsCutoff) : 0;
        long dead = holdLease(now, started) ? purge(DEAD_LETTERS, now.minus(settings.deadLetters())) + purgeReplayed(eventsCutoff) : 0;
        return new Removed(true, events, attempts, dead);
    }

    /**
     * Takes or renews the lease as of {@code now} plus the time the run has taken so far. Should another
     * instance take it in the middle of a table (this one stalled for a whole term), both purge that table
     * once, which costs only contention.
     */
    private boolean holdLease(Instant now, long runStartedNanos) throws SQLException {
        try (Connection c = connection()) {
            return lease.acquire(c, now.plusNanos(System.nanoTime() - runStartedNanos));
        }
    }

    /** Deletes the rows of {@code walk} made before {@code cutoff}, a batch at a time, oldest first. */
    private long purge(Walk walk, Instant cutoff) throws SQLException, InterruptedException {
        long removed = 0;
        while (true) {
            long started = System.nanoTime();
            Batch batch = expiredBatch(walk, cutoff);
            if (batch.lastExpired() == null) {
                return removed;
            }
            removed += deleteUpTo(walk, batch.lastExpired());
            if (!batch.more()) {
                return removed;
            }
            pauseAfter(started);
        }
    }

    /** The last expired key of the first batch (null: none), and whether rows past the batch may be expired too. */
    private record Batch(Long lastExpired, boolean more) {
    }

    private Batch expiredBatch(Walk walk, Instant cutoff) throws SQLException {
        int size = settings.batchSize();
        // FETCH FIRST is standard SQL (H2 and PostgreSQL alike), so the database reads the batch off the start of
        // the primary key instead of planning for the whole table; the size is a number from the configuration.
        String sql = "SELECT " + walk.key() + ", " + walk.time() + " FROM " + walk.table() + " ORDER BY " + walk.key()
                + " FETCH FIRST " + size + " ROWS ONLY";
        Long lastExpired = null;
        int read = 0;
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read++;
                if (!madeAt(rs, walk).isBefore(cutoff)) {
                    return new Batch(lastExpired, false); // the first young row: everything after it is younger still
                }
                lastExpired = rs.getLong(1);
            }
        }
        return new Batch(lastExpired, read == size);
    }

    private static Instant madeAt(ResultSet rs, Walk walk) throws SQLException {
        if (walk.epochMillis()) {
            return Instant.ofEpochMilli(rs.getLong(2));
        }
        return rs.getObject(2, OffsetDateTime.class).toInstant();
    }

    /** One short transaction (auto-commit): a range at the start of the primary key. */
    private long deleteUpTo(Walk walk, long lastKey) throws SQLException {
        String sql = "DELETE FROM " + walk.table() + " WHERE " + walk.key() + " <= ?";
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, lastKey);
            int removed = ps.executeUpdate();
            if (walk == EVENTS) {
                // The arrival blocks (V14) whose rows are all gone; a block that straddles the cutoff stays, naming
                // rows readers no longer find, until the next run passes its last row.
                try (PreparedStatement blocks = c.prepareStatement("DELETE FROM event_log_block WHERE last_seq <= ?")) {
                    blocks.setLong(1, lastKey);
                    blocks.executeUpdate();
                }
            }
            return removed;
        }
    }

    /**
     * Replayed dead letters whose replay is older than {@code cutoff}. The replay time follows no key,
     * but dead letters are few (each is a delivery that failed for hours): their ids are read in
     * batches, and deleted by id.
     */
    private long purgeReplayed(Instant cutoff) throws SQLException, InterruptedException {
        long removed = 0;
        String select = "SELECT id FROM dead_letter WHERE replayed_at < ? ORDER BY id FETCH FIRST " + settings.batchSize() + " ROWS ONLY";
        while (true) {
            long started = System.nanoTime();
            List<Long> ids = new ArrayList<>();
            try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(select)) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return removed;
            }
            removed += deleteIds(ids);
            if (ids.size() < settings.batchSize()) {
                return removed;
            }
            pauseAfter(started);
        }
    }

    private long deleteIds(List<Long> ids) throws SQLException {
        String sql = "DELETE FROM dead_letter WHERE id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 1, ids.get(i));
            }
            return ps.executeUpdate();
        }
    }

    /** Yields as long as the batch took (at least {@value #MIN_PAUSE_MILLIS} ms): ingest is not starved of the database. */
    private static void pauseAfter(long startedNanos) throws InterruptedException {
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        Thread.sleep(Math.max(MIN_PAUSE_MILLIS, took));
    }

    public Duration interval() {
        return settings.interval();
    }
}

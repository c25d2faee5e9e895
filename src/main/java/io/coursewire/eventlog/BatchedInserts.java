package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Rows written by one background thread, many per transaction, so the stage that produces them never
 * waits on the database. For records (the event log, delivery attempts), not for guarantees: a crash
 * loses the rows still queued in memory.
 *
 * <p>What one row does never costs the others:
 * <ul>
 * <li>a row the database refuses for what it holds (a value too long for its column, a constraint):
 * the batch is written again row by row and only that row is skipped, logged with its label and the
 * SQLState, never its values (they are personal data). A row already stored (unique violation: a
 * redelivered event) is skipped silently;</li>
 * <li>a database that does not answer (connection lost, transaction rolled back, timeout): the rows
 * are kept and the write retried with backoff until it succeeds. The queue is bounded, so a long
 * outage slows the producers down ({@link #add} blocks) instead of growing memory or dropping rows.</li>
 * </ul>
 * A failure that is neither by its SQLState counts as the row's own when the connection still answers,
 * and as an outage when it does not: a row the writer cannot place must not stop all the others.
 * The one duplicate this allows: a commit whose answer is lost with the connection is written again.
 */
public final class BatchedInserts<R> {

    /** Sets the statement's parameters from one row. */
    @FunctionalInterface
    public interface Binder<R> {
        void bind(PreparedStatement statement, R row) throws SQLException;
    }

    /**
     * What is written beside the rows, in their transaction: the event log's arrival blocks (V14). Told
     * the key the database generated for each row; returns what to do once the transaction commits
     * (nothing happens to the writer's state if it rolls back, and the batch is written again).
     */
    public interface Companion<R> {
        /** The generated column whose values {@link #write} receives. */
        String generatedKey();

        Runnable write(Connection c, List<R> rows, long[] keys) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(BatchedInserts.class);
    static final int BATCH = 500;
    /**
     * How long the writer lets a partial batch fill before writing it. Under light load every row came
     * alone, a transaction and a prepared statement per event; with the wait, a few transactions a
     * second (with the delivery change beside it, 0.05 to 0.1 cores less at 500 events/s, bench/README.md).
     * Rows wait this much longer to be readable; nothing waits on them.
     */
    static final long LINGER_MILLIS = 50;
    /** Refused rows logged one by one per batch; a whole batch refused for one reason is summed up after these. */
    private static final int LOGGED_PER_BATCH = 5;
    private static final long FIRST_RETRY_MILLIS = 200;
    private static final long MAX_RETRY_MILLIS = 10_000;

    private final DataSource dataSource;
    private final String insert;
    private final Binder<R> binder;
    private final Function<R, String> label;
    private final String what;
    private final Companion<R> companion;
    /** Rows waiting for the writer; a full queue blocks whoever adds, which is the backpressure. */
    private final BlockingQueue<R> pending;
    private final Object retryWait = new Object();
    private final Thread writer;
    private volatile boolean running = true;
    /** Set when close() stops waiting for an unreachable database: the writer gives up its rows. */
    private volatile boolean abandoned;
    /** Rows ever queued, and rows written or given up: what {@link #awaitWritten} compares. */
    private final java.util.concurrent.atomic.AtomicLong added = new java.util.concurrent.atomic.AtomicLong();
    private final Object settledLock = new Object();
    private long settled;

    /**
     * @param what names the record in logs ({@code event-log}, {@code delivery-attempts})
     * @param label names one row in logs without personal data (an event id, a target)
     * @param queued how many rows may wait for the writer, besides the batch it is writing
     */
    public BatchedInserts(DataSource dataSource, String what, String insert, Binder<R> binder, Function<R, String> label, int queued) {
        this(dataSource, what, insert, binder, label, queued, null);
    }

    /** @param companion written in each transaction beside its rows (null: none) */
    public BatchedInserts(DataSource dataSource, String what, String insert, Binder<R> binder, Function<R, String> label, int queued,
            Companion<R> companion) {
        this.dataSource = dataSource;
        this.companion = companion;
        this.pending = new ArrayBlockingQueue<>(queued);
        this.what = what;
        this.insert = insert;
        this.binder = binder;
        this.label = label;
        this.writer = new Thread(this::writeLoop, what + "-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a row. Bounded: if the database falls far behind, the caller slows down rather than memory growing. */
    public void add(R row) throws InterruptedException {
        pending.put(row);
        added.incrementAndGet();
    }

    /**
     * Waits until every row queued before this call is written (or given up), at most {@code timeout}:
     * an erasure deletes rows only once the ones on their way to the database have arrived. True when
     * they have. Rows are written in the order they were queued, so counting them is enough.
     */
    public boolean awaitWritten(java.time.Duration timeout) throws InterruptedException {
        long target = added.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settledLock) {
            while (settled < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                settledLock.wait(left);
            }
        }
        return true;
    }

    /** After a batch is written, skipped or lost: it no longer holds up {@link #awaitWritten}. */
    private void settle(int rows) {
        synchronized (settledLock) {
            settled += rows;
            settledLock.notifyAll();
        }
    }

    /**
     * Writes what is queued, then stops the writer. If the database stays unreachable for 10 s, the
     * rows still queued are given up (and counted in the log): shutdown does not wait forever.
     */
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
        if (writer.isAlive()) {
            abandoned = true;
            synchronized (retryWait) {
                retryWait.notifyAll();
            }
            writer.join(5_000);
        }
    }

    private void writeLoop() {
        List<R> batch = new ArrayList<>(BATCH);
        while (running || !pending.isEmpty()) {
            try {
                R first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
                if (batch.size() < BATCH && running) {
                    // One sleep, not a poll per row: each row would wake the writer again.
                    try {
                        Thread.sleep(LINGER_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the rows in hand are written first; the next poll stops
                    }
                    pending.drainTo(batch, BATCH - batch.size());
                }
                if (!writeUntilDone(batch)) {
                    LOG.errorf("%s: database still unavailable at shutdown; %d rows not recorded", what, batch.size() + pending.size());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A fault of this code, not of the database or a row: the batch is lost, the writer goes on.
                LOG.errorf("%s: %d rows not recorded (%s)", what, batch.size(), e.getClass().getName());
                LOG.debug("writer failure", e);
            } finally {
                settle(batch.size());
                batch.clear();
            }
        }
    }

    /** Writes the rows, retrying while the database is unavailable; false only when abandoned at shutdown. */
    private boolean writeUntilDone(List<R> rows) {
        List<R> left = rows;
        long delay = FIRST_RETRY_MILLIS;
        int failures = 0;
        while (true) {
            try {
                write(left);
                if (failures > 0) {
                    LOG.infof("%s: database available again after %d failed tries; the rows kept meanwhile are written", what, failures);
                }
                return true;
            } catch (Unavailable e) {
                left = left.subList(e.done, left.size());
                if (left.isEmpty()) {
                    return true;
                }
                if (failures++ == 0) {
                    LOG.warnf("%s: database unavailable (%s); %d rows kept, retrying with backoff up to %d s", what, e.reason,
                            left.size() + pending.size(), MAX_RETRY_MILLIS / 1000);
                } else {
                    LOG.debugf("%s: database still unavailable (%s); next try in %d ms", what, e.reason, delay);
                }
                if (!pause(delay)) {
                    return false;
                }
                delay = Math.min(delay * 2, MAX_RETRY_MILLIS);
            }
        }
    }

    /** All rows in one transaction; if the database refuses one of them, row by row. */
    private void write(List<R> rows) throws Unavailable {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new Unavailable(0, SqlFailures.describe(e));
        }
        try {
            try {
                c.setAutoCommit(false);
                Runnable afterCommit = null;
                try (PreparedStatement ps = prepare(c)) {
                    for (R row : rows) {
                        binder.bind(ps, row);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    if (companion != null) {
                        afterCommit = companion.write(c, rows, generatedKeys(ps, rows.size()));
                    }
                }
                c.commit();
                if (afterCommit != null) {
                    afterCommit.run();
                }
                return;
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (unavailable(e, c)) {
                    throw new Unavailable(0, SqlFailures.describe(e));
                }
            } catch (RuntimeException e) {
                rollbackQuietly(c); // a row the binder cannot bind: found and skipped below
            }
            writeOneByOne(c, rows);
        } finally {
            closeQuietly(c);
        }
    }

    /** Each row in its own transaction, skipping those the database refuses; rows before an outage stay written. */
    private void writeOneByOne(Connection c, List<R> rows) throws Unavailable {
        int i = 0;
        int refused = 0;
        try {
            // With a companion, each row and its part of the companion commit together.
            c.setAutoCommit(companion == null);
            try (PreparedStatement ps = prepare(c)) {
                for (; i < rows.size(); i++) {
                    R row = rows.get(i);
                    try {
                        binder.bind(ps, row);
                        ps.executeUpdate();
                        if (companion != null) {
                            Runnable afterCommit = companion.write(c, List.of(row), generatedKeys(ps, 1));
                            c.commit();
                            afterCommit.run();
                        }
                    } catch (SQLException e) {
                        if (companion != null) {
                            rollbackQuietly(c);
                        }
                        if (SqlFailures.isUniqueViolation(e)) {
                            continue; // recorded before: a redelivered event or attempt
                        }
                        if (unavailable(e, c)) {
                            throw new Unavailable(i, SqlFailures.describe(e));
                        }
                        refused(++refused, row, SqlFailures.describe(e));
                    } catch (RuntimeException e) {
                        if (companion != null) {
                            rollbackQuietly(c);
                        }
                        refused(++refused, row, e.getClass().getSimpleName());
                    }
                }
            }
        } catch (SQLException e) {
            if (unavailable(e, c)) {
                throw new Unavailable(i, SqlFailures.describe(e));
            }
            // The statement itself is refused (a table or column missing): no row of these can be written.
            LOG.errorf("%s: %d rows not recorded: the database refuses the insert (%s)", what, rows.size() - i, SqlFailures.describe(e));
            return;
        }
        if (refused > LOGGED_PER_BATCH) {
            LOG.warnf("%s: %d rows of a batch of %d not recorded in all (the first %d are logged above)", what, refused, rows.size(),
                    LOGGED_PER_BATCH);
        }
    }

    private PreparedStatement prepare(Connection c) throws SQLException {
        return companion == null ? c.prepareStatement(insert) : c.prepareStatement(insert, new String[] {companion.generatedKey()});
    }

    private static long[] generatedKeys(PreparedStatement ps, int rows) throws SQLException {
        long[] keys = new long[rows];
        int i = 0;
        try (java.sql.ResultSet rs = ps.getGeneratedKeys()) {
            while (rs.next() && i < rows) {
                keys[i++] = rs.getLong(1);
            }
        }
        if (i != rows) {
            throw new SQLException("the database returned " + i + " generated keys for " + rows + " rows", "HY000");
        }
        return keys;
    }

    private void refused(int count, R row, String reason) {
        if (count <= LOGGED_PER_BATCH) {
            LOG.warnf("%s: %s not recorded: the database refuses the row (%s)", what, label.apply(row), reason);
        }
    }

    /** Transient by its SQLState, or a failure of unknown kind on a connection that no longer answers. */
    private static boolean unavailable(SQLException e, Connection c) {
        if (SqlFailures.isTransient(e)) {
            return true;
        }
        if (SqlFailures.isPermanent(e)) {
            return false;
        }
        try {
            return !c.isValid(2);
        } catch (SQLException notValid) {
            return true;
        }
    }

    private boolean pause(long millis) {
        synchronized (retryWait) {
            if (abandoned) {
                return false;
            }
            try {
                retryWait.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !abandoned;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone: nothing was committed on it
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // broken connection: the pool discards it
        }
    }

    /** The database did not take the write; {@code done} rows at the front of the list are written. */
    private static final class Unavailable extends Exception {
        final int done;
        final String reason;

        Unavailable(int done, String reason) {
            super(reason, null, false, false);
            this.done = done;
            this.reason = reason;
        }
    }
}

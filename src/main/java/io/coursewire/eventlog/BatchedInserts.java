package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Rows written by one background thread, many per transaction, so the stage that produces them never
 * waits on the database. For records (the event log, delivery attempts), not for guarantees: a crash
 * can lose the rows of the last batch. A row that breaks a unique constraint (a redelivered event) is
 * skipped and the rest of its batch kept.
 */
public final class BatchedInserts<R> {

    /** Sets the statement's parameters from one row. */
    @FunctionalInterface
    public interface Binder<R> {
        void bind(PreparedStatement statement, R row) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(BatchedInserts.class);
    /** SQLState for a unique-constraint violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int BATCH = 500;

    private final DataSource dataSource;
    private final String insert;
    private final Binder<R> binder;
    private final String what;
    private final BlockingQueue<R> pending = new ArrayBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean running = true;

    public BatchedInserts(DataSource dataSource, String what, String insert, Binder<R> binder) {
        this.dataSource = dataSource;
        this.what = what;
        this.insert = insert;
        this.binder = binder;
        this.writer = new Thread(this::writeLoop, what + "-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a row. Bounded: if the database falls far behind, the caller slows down rather than memory growing. */
    public void add(R row) throws InterruptedException {
        pending.put(row);
    }

    /** Writes what is queued, then stops the writer. */
    public void close() throws InterruptedException {
        running = false;
        writer.join(10_000);
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
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: write of %d rows failed; they are not recorded", what, batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<R> rows) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (R row : rows) {
                    binder.bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                writeOneByOne(c, rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + " write failed", e);
        }
    }

    private void writeOneByOne(Connection c, List<R> rows) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (R row : rows) {
                binder.bind(ps, row);
                try {
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }
}

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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * The record of every routed event (id, vendor, type, time, the canonical JSON), kept in the
 * database so it survives restarts and operators can inspect it. Plain JDBC with portable SQL: the
 * same statements run on H2 and PostgreSQL.
 *
 * <p>Writes are batched by one writer thread (many rows per transaction) so the routing stage never
 * waits on the database. The log is a record, not the guarantee: an event is durable in the broker
 * before it is routed, and a row lost to a crash in the last batch does not lose the event.
 */
@Singleton
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);
    /** SQLState for a unique-constraint violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int BATCH = 500;
    private static final String INSERT =
            "INSERT INTO event (id, vendor, type, event_time, routed_at, payload) VALUES (?, ?, ?, ?, ?, ?)";

    private record Row(String id, String vendor, String type, Instant time, Instant routedAt, String json) {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Row> pending = new ArrayBlockingQueue<>(50_000);
    private final Thread writer;
    private volatile boolean running = true;

    @Inject
    public EventLog(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new Thread(this::writeLoop, "event-log-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Records a routed event; a redelivered event that is already recorded is left as it is. */
    public void record(String id, String vendor, String type, Instant time, byte[] json) throws InterruptedException {
        // Bounded: if the database falls far behind, routing slows down rather than memory growing.
        pending.put(new Row(id, vendor, type, time, Instant.now(), new String(json, java.nio.charset.StandardCharsets.UTF_8)));
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
        running = false;
        writer.join(10_000);
    }

    private void writeLoop() {
        List<Row> batch = new ArrayList<>(BATCH);
        while (running || !pending.isEmpty()) {
            try {
                Row first = pending.poll(100, TimeUnit.MILLISECONDS);
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
                LOG.errorf(e, "Event log write of %d rows failed; they are not recorded", batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Row> rows) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (Row row : rows) {
                    bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                writeOneByOne(c, rows); // a redelivered event is in the batch: keep the others
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event log write failed", e);
        }
    }

    private void writeOneByOne(Connection c, List<Row> rows) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Row row : rows) {
                bind(ps, row);
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

    private static void bind(PreparedStatement ps, Row row) throws SQLException {
        ps.setString(1, row.id());
        ps.setString(2, row.vendor());
        ps.setString(3, row.type());
        ps.setObject(4, OffsetDateTime.ofInstant(row.time(), ZoneOffset.UTC));
        ps.setObject(5, OffsetDateTime.ofInstant(row.routedAt(), ZoneOffset.UTC));
        ps.setString(6, row.json());
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }
}

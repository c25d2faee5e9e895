package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched record writer against a real database (H2): one row the database refuses costs only
 * itself, and rows queued while the database is unreachable are written, once each, when it is back.
 */
class BatchedInsertsTest {

    private record Row(int n, String label) {
    }

    private static final String INSERT = "INSERT INTO record (n, label) VALUES (?, ?)";
    /** What a refused row carries; personal data as far as the log is concerned. */
    private static final String TOO_LONG = "learner-7f3a@example.com";

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger writerLog = Logger.getLogger(BatchedInserts.class.getName());

    @BeforeEach
    void listen() {
        writerLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        writerLog.removeHandler(capture);
    }

    @Test
    void awaitingTheWriterReturnsOnceEveryRowQueuedBeforeIsInTheDatabase() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:batched-await;DB_CLOSE_DELAY=-1");
        createTable(db);
        BatchedInserts<Row> writer = new BatchedInserts<>(db, "test-records", INSERT, BatchedInsertsTest::bind, r -> "row " + r.n(), 10_000);
        assertThat(writer.awaitWritten(Duration.ofSeconds(1))).as("nothing queued").isTrue();

        for (int n = 0; n < 1200; n++) {
            writer.add(new Row(n, n == 700 ? TOO_LONG : "ok")); // a refused row is settled too, not waited for
        }
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(count(db, "SELECT COUNT(*) FROM record")).isEqualTo(1199);
        writer.close();
    }

    @Test
    void aRowTooLongForItsColumnCostsOnlyItselfNotTheRestOfItsBatch() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:batched-permanent;DB_CLOSE_DELAY=-1");
        createTable(db);
        BatchedInserts<Row> writer = new BatchedInserts<>(db, "test-records", INSERT, BatchedInsertsTest::bind, r -> "row " + r.n(), 10_000);

        for (int n = 0; n < 1000; n++) {
            writer.add(new Row(n, n == 500 ? TOO_LONG : "ok"));
        }
        writer.close();

        assertThat(count(db, "SELECT COUNT(*) FROM record")).isEqualTo(999);
        assertThat(count(db, "SELECT COUNT(*) FROM record WHERE n = 500")).isZero();
        // The operator learns which record and why (SQLState 22001: value too long), never the value itself.
        assertThat(text()).contains("test-records").contains("row 500").contains("22001").doesNotContain(TOO_LONG);
    }

    @Test
    void rowsQueuedWhileTheDatabaseIsUnreachableAreWrittenOnceWhenItIsBack(@TempDir Path dir) throws Exception {
        Server tcp = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
        int port = tcp.getPort();
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:tcp://localhost:" + port + "/records");
        createTable(db);
        BatchedInserts<Row> writer = new BatchedInserts<>(db, "test-records", INSERT, BatchedInsertsTest::bind, r -> "row " + r.n(), 10_000);
        try {
            for (int n = 0; n < 100; n++) {
                writer.add(new Row(n, "before"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> count(db, "SELECT COUNT(*) FROM record") == 100);

            tcp.stop();
            for (int n = 100; n < 2100; n++) {
                writer.add(new Row(n, "during"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logged.stream().anyMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()));

            tcp = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", dir.toString(), "-ifNotExists").start();
            await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT COUNT(*) FROM record") >= 2100);
            writer.close();

            assertThat(count(db, "SELECT COUNT(*) FROM record")).isEqualTo(2100);
            assertThat(count(db, "SELECT COUNT(DISTINCT n) FROM record")).isEqualTo(2100);
        } finally {
            writer.close();
            tcp.stop();
        }
    }

    private static void bind(java.sql.PreparedStatement ps, Row row) throws SQLException {
        ps.setInt(1, row.n());
        ps.setString(2, row.label());
    }

    private static void createTable(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE record (n INTEGER NOT NULL, label VARCHAR(16) NOT NULL)");
        }
    }

    private static long count(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Everything the writer logged, messages with their parameters and exceptions, as an operator would read it. */
    private String text() {
        StringBuilder all = new StringBuilder();
        for (LogRecord r : logged) {
            all.append(r.getMessage());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    all.append(' ').append(p);
                }
            }
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                all.append(' ').append(t);
            }
            all.append('\n');
        }
        return all.toString();
    }
}

package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writeback pacer on a real H2 file database, with a second process trying to open it. */
class DatabaseWritebackTest {

    @TempDir
    Path dir;

    @Test
    void syncingTheFileKeepsTheDatabaseLockedAgainstAnotherProcessAndLosesNoRow() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        String url = "jdbc:h2:file:" + dir.resolve("coursewire").toAbsolutePath();
        db.setURL(url);
        db.setUser("sa");
        Flyway.configure().dataSource(db).load().migrate();
        try (var held = db.getConnection()) { // keeps the database open, as the service's pool does
            EventLog log = new EventLog(db);
            DatabaseWriteback writeback = new DatabaseWriteback(db);
            writeback.start(null);
            try {
                for (int i = 0; i < 1_000; i++) {
                    log.record(String.format("evt_%032x", i), "tagmango", "course.completed", Instant.now(), i,
                            "{}".getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> writeback.syncs() >= 3);

                // A second handle on the file, closed again, would have dropped H2's lock (POSIX locks
                // belong to the process): another process could then open and corrupt the database.
                Process other = new ProcessBuilder(javaCommand(), "-cp", h2Jar(), "org.h2.tools.Shell", "-url", url, "-user", "sa",
                        "-sql", "SELECT COUNT(*) FROM event_log").redirectErrorStream(true).start();
                assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(said).as("what the other process was told").contains("90020"); // DATABASE_ALREADY_OPEN

                log.flushAndStop();
                List<String> recorded = log.recentIds(2_000);
                assertThat(recorded).hasSize(1_000);
            } finally {
                writeback.stop();
            }
        }
        assertThat(Files.size(dir.resolve("coursewire.mv.db"))).isPositive();
    }

    @Test
    void anInMemoryDatabaseIsLeftAlone() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:writeback-none;DB_CLOSE_DELAY=-1");
        DatabaseWriteback writeback = new DatabaseWriteback(db);
        writeback.start(null);
        try {
            assertThat(writeback.isActive()).isFalse();
        } finally {
            writeback.stop();
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String h2Jar() throws Exception {
        return new File(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }
}

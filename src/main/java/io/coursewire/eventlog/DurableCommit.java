package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Puts what a connection has committed on disk now. H2 has no redo log: it keeps committed changes in
 * memory and writes them in the background up to its write delay (500 ms) later, so a kill -9 in
 * between loses them. For the few rows that are the only copy of something (a dead letter the broker
 * has let go of), that is not good enough. PostgreSQL's commit is durable already.
 */
public final class DurableCommit {

    private DurableCommit() {
    }

    public static void flush(Connection connection) throws SQLException {
        if ("H2".equals(connection.getMetaData().getDatabaseProductName())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT SYNC");
            }
        }
    }
}

package io.coursewire.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.coursewire.support.ExternalPostgres;

/**
 * {@link AdminQueries#lastAttempts}, behind each subscription's {@code last_delivery}: each target's newest
 * attempt, none for a target never attempted, in chunks past {@link AdminQueries#LAST_ATTEMPTS_CHUNK};
 * and on both databases the plan reads the (target, seq) index of V8, not the table.
 */
class SubscriptionLastDeliveryQueryTest {

    @Test
    void eachTargetsNewestAttemptOnH2() throws SQLException {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:last-attempts;DB_CLOSE_DELAY=-1");
        newestAttemptsAreFound(db);
        assertThat(plan(db, "EXPLAIN " + AdminQueries.lastAttemptsSql(2).replace("?", "'subscription:1'")).toUpperCase())
                .contains("DELIVERY_ATTEMPT_TARGET");
    }

    @Test
    void eachTargetsNewestAttemptOnPostgreSql(@TempDir Path dir) throws Exception {
        try (ExternalPostgres postgres = ExternalPostgres.start(dir)) {
            DataSource db = postgres.dataSource();
            newestAttemptsAreFound(db);
            // Enough rows, and their statistics, that the planner's choice is the one a real table gets.
            execute(db, "INSERT INTO delivery_attempt (event_id, event_accepted_at, target, attempt, attempted_at, duration_ms, status, outcome)"
                    + " SELECT 'evt_' || g, g, 'static-' || (g % 20), 1, CURRENT_TIMESTAMP, 3, 200, 'delivered' FROM generate_series(1, 50000) g");
            execute(db, "ANALYZE delivery_attempt");
            String plan = plan(db, "EXPLAIN " + AdminQueries.lastAttemptsSql(3).replace("?", "'subscription:1'"));
            // Each MAX(seq) one entry read from the end of the target's range; then the rows by primary key.
            assertThat(plan).contains("Backward using delivery_attempt_target").contains("using delivery_attempt_pkey")
                    .doesNotContain("Seq Scan");
        }
    }

    private static void newestAttemptsAreFound(DataSource db) throws SQLException {
        Flyway.configure().dataSource(db).load().migrate();
        execute(db, "INSERT INTO delivery_attempt (event_id, event_accepted_at, target, attempt, attempted_at, duration_ms, status, error, outcome)"
                + " VALUES ('evt_1', 1, 'subscription:1', 1, TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:00+00', 5, 503, 'HTTP 503', 'retrying'),"
                + " ('evt_1', 1, 'subscription:1', 2, TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:01+00', 4, 200, NULL, 'delivered'),"
                + " ('evt_2', 2, 'subscription:2', 1, TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:02+00', 1000, NULL, 'Connection refused', 'dead'),"
                + " ('evt_2', 2, 'crm', 1, TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:03+00', 7, 200, NULL, 'delivered')");
        AdminQueries queries = new AdminQueries(db);

        Map<String, AdminQueries.Attempt> last = queries.lastAttempts(List.of("subscription:1", "subscription:2", "subscription:3"));
        assertThat(last).containsOnlyKeys("subscription:1", "subscription:2");
        assertThat(last.get("subscription:1")).isEqualTo(new AdminQueries.Attempt(2, "2026-12-01T10:00:01Z", 4, 200, null, "delivered"));
        assertThat(last.get("subscription:2")).isEqualTo(
                new AdminQueries.Attempt(1, "2026-12-01T10:00:02Z", 1000, null, "Connection refused", "dead"));
        assertThat(queries.lastAttempts(List.of())).isEmpty();

        // More targets than one query takes: the ones found are found whichever chunk holds them.
        List<String> many = new ArrayList<>(IntStream.range(100, 100 + AdminQueries.LAST_ATTEMPTS_CHUNK * 2).mapToObj(i -> "subscription:" + i).toList());
        many.add("subscription:2");
        many.add(0, "subscription:1");
        assertThat(queries.lastAttempts(many)).containsOnlyKeys("subscription:1", "subscription:2");
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String plan(DataSource db, String explain) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(explain)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}

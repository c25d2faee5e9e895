package io.coursewire.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** The delivery attempts the service recorded for one event and one target, oldest first, read from its database. */
public final class AttemptLog {

    private AttemptLog() {
    }

    /** Each attempt's outcome: delivered, retrying, dead. */
    public static List<String> outcomes(DataSource db, String eventId, String target) throws SQLException {
        return column(db, eventId, target, "outcome");
    }

    /** Each attempt's error (null for a success). */
    public static List<String> errors(DataSource db, String eventId, String target) throws SQLException {
        return column(db, eventId, target, "error");
    }

    private static List<String> column(DataSource db, String eventId, String target, String column) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT " + column + " FROM delivery_attempt WHERE event_id = ? AND target = ? ORDER BY attempt, seq")) {
            ps.setString(1, eventId);
            ps.setString(2, target);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }
}

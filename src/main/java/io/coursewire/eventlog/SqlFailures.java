package io.coursewire.eventlog;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells apart why the database refused a write, by SQLState (the same classes in H2 and PostgreSQL)
 * and JDBC's exception types (for drivers that leave the state out):
 * <ul>
 * <li><b>transient</b>: the database did not answer or gave up on this transaction (08 connection,
 * 40 transaction rollback, 57 operator intervention, HYT timeouts, JDBC's transient, recoverable and
 * connection exceptions): the same write can succeed later;</li>
 * <li><b>permanent</b>: the database answered and refused this row for what it holds (22 data, 23
 * integrity constraint, 42 syntax or access rule): writing it again fails again.</li>
 * </ul>
 * An exception can be neither (a driver-specific state): callers decide what is safe for them.
 * Messages are never used: they quote the offending values, which may be personal data.
 */
public final class SqlFailures {

    /** SQLState for a unique-constraint violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private SqlFailures() {
    }

    /** A row with this key is stored already. */
    public static boolean isUniqueViolation(SQLException e) {
        return chain(e).stream().anyMatch(s -> UNIQUE_VIOLATION.equals(s.getSQLState()));
    }

    public static boolean isTransient(SQLException e) {
        for (SQLException s : chain(e)) {
            if (s instanceof SQLTransientException || s instanceof SQLRecoverableException
                    || s instanceof SQLNonTransientConnectionException) {
                return true;
            }
            String state = s.getSQLState();
            if (state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("57") || state.startsWith("HYT"))) {
                return true;
            }
        }
        return false;
    }

    /** Refused for what the row holds; never true when the failure is also {@linkplain #isTransient transient}. */
    public static boolean isPermanent(SQLException e) {
        if (isTransient(e)) {
            return false;
        }
        for (SQLException s : chain(e)) {
            if (s instanceof SQLDataException || s instanceof SQLIntegrityConstraintViolationException || s instanceof SQLSyntaxErrorException) {
                return true;
            }
            String state = s.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What may be logged about the failure: SQLState, vendor code and exception type of the most
     * specific exception in the chain. Never the message (it quotes values).
     */
    public static String describe(SQLException e) {
        List<SQLException> all = chain(e);
        SQLException s = all.get(all.size() - 1);
        for (SQLException candidate : all) {
            if (candidate.getSQLState() != null) {
                s = candidate;
            }
        }
        return "SQLState " + s.getSQLState() + " (" + kind(s.getSQLState()) + ", code " + s.getErrorCode() + ", "
                + s.getClass().getSimpleName() + ")";
    }

    private static String kind(String state) {
        if (state == null || state.length() < 2) {
            return "unknown";
        }
        return switch (state.substring(0, 2)) {
            case "08" -> "connection";
            case "22" -> "data exception";
            case "23" -> "integrity constraint violation";
            case "40" -> "transaction rollback";
            case "42" -> "syntax error or access rule violation";
            case "57" -> "operator intervention";
            case "HY" -> "driver";
            default -> "vendor-specific";
        };
    }

    /** The exception, its batch's next exceptions and its causes: a batch update names the row's failure there. */
    private static List<SQLException> chain(SQLException e) {
        List<SQLException> all = new ArrayList<>();
        collect(e, all, 0);
        return all;
    }

    private static void collect(Throwable t, List<SQLException> all, int depth) {
        if (t == null || depth > 8) {
            return;
        }
        if (t instanceof SQLException s) {
            if (all.contains(s)) {
                return;
            }
            all.add(s);
            collect(s.getNextException(), all, depth + 1);
        }
        collect(t.getCause(), all, depth + 1);
    }
}

package io.coursewire.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which database failures can pass and which are the row's own, by SQLState (H2 and PostgreSQL alike). */
class SqlFailuresTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "08006, transient",  // connection failure
            "40001, transient",  // serialization failure
            "57P01, transient",  // admin shutdown (PostgreSQL)
            "HYT00, transient",  // timeout
            "22001, permanent",  // value too long
            "23502, permanent",  // not null
            "23513, permanent",  // check constraint (H2)
            "42S02, permanent",  // table not found
            "90067, neither",    // H2 vendor code, as a plain SQLException
    })
    void classifiesBySqlState(String state, String expected) {
        SQLException e = new SQLException("a value that must not be logged", state);
        assertThat(SqlFailures.isTransient(e)).isEqualTo(expected.equals("transient"));
        assertThat(SqlFailures.isPermanent(e)).isEqualTo(expected.equals("permanent"));
        assertThat(SqlFailures.describe(e)).contains(state).doesNotContain("must not be logged");
    }

    @Test
    void aConnectionOrTimeoutExceptionWithoutStateIsTransient() {
        assertThat(SqlFailures.isTransient(new SQLNonTransientConnectionException("broken"))).isTrue();
        assertThat(SqlFailures.isTransient(new SQLTimeoutException("slow"))).isTrue();
    }

    @Test
    void aBatchFailureIsJudgedByTheRowFailureItCarries() {
        BatchUpdateException batch = new BatchUpdateException("batch", null, 0, new int[0], null);
        batch.setNextException(new SQLException("too long", "22001"));
        assertThat(SqlFailures.isPermanent(batch)).isTrue();
        assertThat(SqlFailures.isUniqueViolation(batch)).isFalse();

        BatchUpdateException duplicate = new BatchUpdateException("batch", null, 0, new int[0], null);
        duplicate.setNextException(new SQLException("dup", "23505"));
        assertThat(SqlFailures.isUniqueViolation(duplicate)).isTrue();
    }
}

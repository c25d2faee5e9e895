package io.coursewire.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.coursewire.problem.ProblemException;

/** The listings' time and cursor parameters on their own. */
class ListingFiltersTest {

    @Test
    void aDateFilterCoversItsWholeDay() {
        assertThat(ListingFilters.micros("from", "2026-01-31", false)).isEqualTo(micros("2026-01-31T00:00:00Z"));
        assertThat(ListingFilters.micros("to", "2026-01-31", true)).isEqualTo(micros("2026-02-01T00:00:00Z"));
        assertThat(ListingFilters.micros("from", "2026-01-31T12:00:00Z", false)).isEqualTo(micros("2026-01-31T12:00:00Z"));
        assertThat(ListingFilters.micros("to", "2026-01-31T12:00:00", true)).as("no offset: UTC").isEqualTo(micros("2026-01-31T12:00:00Z"));
        assertThat(ListingFilters.micros("to", "2026-01-31T14:00:00+02:00", true)).isEqualTo(micros("2026-01-31T12:00:00Z"));
        assertThat(ListingFilters.micros("from", " ", false)).isNull();
    }

    @Test
    void aMalformedParameterIsRefusedByName() {
        assertThatThrownBy(() -> ListingFilters.micros("from", "yesterday", false)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.status()).isEqualTo(400)).hasMessageStartingWith("from: takes an ISO date");
        assertThatThrownBy(() -> ListingFilters.number("before", "x".repeat(100), "a dead letter id"))
                .hasMessageStartingWith("before: must be a dead letter id (a number)").hasMessageEndingWith("…'");
        assertThat(ListingFilters.number("before", "42", "a dead letter id")).isEqualTo(42L);
    }

    private static long micros(String instant) {
        return Instant.parse(instant).toEpochMilli() * 1000;
    }
}

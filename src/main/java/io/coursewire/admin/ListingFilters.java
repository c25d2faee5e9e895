package io.coursewire.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

import io.coursewire.eventlog.EventLog;
import io.coursewire.problem.ProblemException;

/** Query parameters of the listings read as the database compares them; a malformed one is a 400 naming it. */
final class ListingFilters {

    private ListingFilters() {
    }

    /**
     * An ISO date or instant as epoch microseconds. A date means its whole day (UTC): {@code to=2026-01-31}
     * includes the 31st, so its end is the next day's start. An instant without an offset is UTC.
     */
    static Long micros(String name, String value, boolean end) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            Instant t;
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                t = (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                t = OffsetDateTime.parse(v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$") ? v : v + "Z").toInstant();
            }
            return EventLog.micros(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid(name, "takes an ISO date (2026-01-31) or instant (2026-01-31T12:00:00Z), not '" + shortened(v) + "'");
        }
    }

    /** A page cursor: {@code what} says whose number it is, for the refusal. */
    static Long number(String name, String value, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "must be " + what + " (a number), not '" + shortened(value) + "'");
        }
    }

    private static ProblemException invalid(String name, String why) {
        return new ProblemException(400, "invalid-request", "Bad Request", name + ": " + why, Map.of());
    }

    private static String shortened(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}

package io.coursewire.canonical;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * The time formats the vendors send, each parsed to an {@link Instant}. Every parser returns empty
 * for text that is not a time in its format, so the caller can name the offending field. The parsers
 * accept any year the format can spell ({@code +12023}, {@code -0001}); whether an instant can appear
 * in an event is {@link #isRfc3339}'s question, asked of the final UTC instant.
 */
public final class Times {

    /** The first instant RFC 3339 can write: its years have exactly four digits and no sign, and 0000 is not a year. */
    public static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

    /** The last instant RFC 3339 can write. */
    public static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** ISO-8601 with an offset; seconds and fractions optional ({@code 2023-11-20T18:30Z}). */
    private static final DateTimeFormatter ISO_OFFSET = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /**
     * Rails' default {@code TimeWithZone#to_s} as Zapnito sends it: {@code Wed, 13 Apr 2022 22:01:28 UTC +00:00}.
     * The zone abbreviation is informative only; the numeric offset decides.
     */
    private static final DateTimeFormatter RAILS = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEE, d MMM uuuu HH:mm:ss ")
            .appendPattern("[zzz ]")
            .appendOffset("+HH:MM", "Z")
            .toFormatter(Locale.ENGLISH)
            .withResolverStyle(ResolverStyle.STRICT);

    /** Zoneless {@code yyyy-MM-dd HH:mm:ss}, as Toolzz sends it. */
    private static final DateTimeFormatter LOCAL_SPACE = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(java.time.chrono.IsoChronology.INSTANCE);

    private Times() {
    }

    /** ISO-8601 / RFC 3339 with {@code Z} or an offset; seconds may be absent. */
    public static Optional<Instant> iso(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.trim(), ISO_OFFSET).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Zapnito's Rails format, or ISO-8601 with an offset. */
    public static Optional<Instant> rails(String text) {
        String t = text.trim();
        try {
            return Optional.of(OffsetDateTime.parse(t, RAILS).toInstant());
        } catch (DateTimeException e) {
            return iso(t);
        }
    }

    /**
     * A zoneless {@code yyyy-MM-dd HH:mm[:ss]} read in {@code zone}; text that carries its own offset
     * (ISO-8601) is taken as it says.
     */
    public static Optional<Instant> local(String text, ZoneId zone) {
        String t = text.trim();
        try {
            return Optional.of(LocalDateTime.parse(t, LOCAL_SPACE).atZone(zone).toInstant());
        } catch (DateTimeException e) {
            Optional<Instant> withOffset = iso(t);
            if (withOffset.isPresent()) {
                return withOffset;
            }
            try {
                return Optional.of(LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(zone).toInstant());
            } catch (DateTimeException again) {
                return Optional.empty();
            }
        }
    }

    /** A date ({@code yyyy-MM-dd}) as the start of that day in {@code zone}. */
    public static Optional<Instant> startOfDay(String text, ZoneId zone) {
        try {
            return Optional.of(LocalDate.parse(text.trim(), DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(zone).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** True when {@code instant} lies in the years 0001 to 9999 UTC, the instants RFC 3339 can write. */
    public static boolean isRfc3339(Instant instant) {
        return !instant.isBefore(FIRST) && !instant.isAfter(LAST);
    }

    /**
     * RFC 3339 in UTC: {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}. {@link Instant#toString()} is ISO_INSTANT,
     * which in the years 0001-9999 writes four year digits, always the seconds, and a fraction (in groups
     * of three digits) only when non-zero; outside them it writes a sign or a fifth digit, so those are refused.
     *
     * @throws IllegalArgumentException for an instant outside the years 0001-9999
     */
    public static String rfc3339(Instant instant) {
        if (!isRfc3339(instant)) {
            throw new IllegalArgumentException("an instant outside the years 0001-9999 has no RFC 3339 form");
        }
        return instant.toString();
    }

    /** Basic ISO-8601 UTC ({@code 20231120T183000Z}): sortable and safe in file names on every OS. */
    public static String compactUtc(Instant instant) {
        return COMPACT.format(instant);
    }

    private static final DateTimeFormatter COMPACT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
}

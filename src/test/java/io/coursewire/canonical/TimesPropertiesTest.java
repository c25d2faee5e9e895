package io.coursewire.canonical;

import static io.coursewire.support.Properties.between;
import static io.coursewire.support.Properties.chars;
import static io.coursewire.support.Properties.list;
import static io.coursewire.support.Properties.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;
import io.coursewire.support.Properties;

/**
 * The time parsers answer a time or nothing for any text, and every instant in the years 0001-9999
 * is written as RFC 3339 UTC that reads back to the same instant; any other is refused. Inputs come
 * from {@link Properties}: seeded, so a failure names the seed that replays it.
 */
class TimesPropertiesTest {

    private static final String RFC_3339_UTC = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";

    private static final long FIRST = Times.FIRST.getEpochSecond();
    private static final long LAST = Times.LAST.getEpochSecond();

    @Test
    void everyInstantInTheRangeIsWrittenAsRfc3339AndReadsBack() {
        Properties.check("TimesPropertiesTest.everyInstantInTheRangeIsWrittenAsRfc3339AndReadsBack", 1000,
                TimesPropertiesTest::inRange, instant -> {
                    String text = Times.rfc3339(instant);
                    assertThat(text).matches(RFC_3339_UTC);
                    assertThat(Instant.parse(text)).isEqualTo(instant);
                    assertThat(Times.iso(text)).contains(instant);
                    CanonicalSchema.assertValid(event(instant));
                    assertThat(CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event(instant))).get("time").textValue())
                            .isEqualTo(text);
                });
    }

    @Test
    void everyInstantOutsideTheRangeIsRefused() {
        Properties.check("TimesPropertiesTest.everyInstantOutsideTheRangeIsRefused", 1000, TimesPropertiesTest::outOfRange,
                instant -> {
                    assertThat(Times.isRfc3339(instant)).isFalse();
                    assertThatThrownBy(() -> Times.rfc3339(instant)).isInstanceOf(IllegalArgumentException.class);
                    assertThatThrownBy(() -> CanonicalJson.toBytes(event(instant))).isInstanceOf(IllegalStateException.class);
                });
    }

    /** A text and a zone for the parsers. */
    record Parse(String text, ZoneId zone) {
        @Override
        public String toString() {
            return "text=" + Properties.show(text) + " zone=" + zone;
        }
    }

    /** Never an exception, whatever the text: the caller names the field when the answer is empty. */
    @Test
    void theParsersAnswerATimeOrNothing() {
        Properties.check("TimesPropertiesTest.theParsersAnswerATimeOrNothing", 2000,
                r -> new Parse(timeLike(r), pick(r, ZONES)), p -> {
                    Times.iso(p.text());
                    Times.rails(p.text());
                    Times.local(p.text(), p.zone());
                    Times.startOfDay(p.text(), p.zone());
                });
    }

    /**
     * Any instant of the range, with no, millisecond or nanosecond fractions; one in eight is an edge
     * (the ends of the range, the epoch) with an edge fraction.
     */
    private static Instant inRange(SplittableRandom r) {
        if (r.nextInt(8) == 0) {
            return Instant.ofEpochSecond(pick(r, FIRST, FIRST + 1, -1L, 0L, 1L, LAST - 1, LAST),
                    pick(r, 0, 1, 999_000_000, 999_999_999));
        }
        int nanos = switch (r.nextInt(3)) {
            case 0 -> 0;
            case 1 -> between(r, 0, 999) * 1_000_000;
            default -> between(r, 0, 999_999_999);
        };
        return Instant.ofEpochSecond(between(r, FIRST, LAST), nanos);
    }

    /**
     * Any instant before or after the range, at a distance of any magnitude (a uniform draw would
     * nearly always land hundreds of millions of years out); one in eight is an edge: just outside the
     * range, or {@link Instant#MIN} or {@link Instant#MAX}.
     */
    private static Instant outOfRange(SplittableRandom r) {
        if (r.nextInt(8) == 0) {
            return Instant.ofEpochSecond(pick(r, Instant.MIN.getEpochSecond(), FIRST - 1, LAST + 1, Instant.MAX.getEpochSecond()),
                    pick(r, 0, 1, 999_999_999));
        }
        int nanos = between(r, 0, 999_999_999);
        if (r.nextBoolean()) {
            long distance = between(r, 0, FIRST - 1 - Instant.MIN.getEpochSecond()) >>> r.nextInt(63);
            return Instant.ofEpochSecond(FIRST - 1 - distance, nanos);
        }
        long distance = between(r, 0, Instant.MAX.getEpochSecond() - LAST - 1) >>> r.nextInt(63);
        return Instant.ofEpochSecond(LAST + 1 + distance, nanos);
    }

    private static final String[] PIECES = { "", "0000", "0001", "9999", "+10000", "+12023", "-0001", "+999999999",
            "-999999999", "+1000000000", "2023", "-", ":", "T", " ", "Z", "+18:00", "-18:00", "+25:00", "12", "31", "60",
            "61", "24", "00", ".", "999999999", "1234567890", "Wed, ", "13 Apr ", " UTC ", "Feb", "29", "\u0000", "\uD800" };

    private static final String[] EXTREMES = { "+999999999-12-31T23:59:59-18:00", "-999999999-01-01T00:00:00+18:00",
            "+999999999-12-31 23:59:59", "-999999999-01-01 00:00:00", "+999999999-12-31", "-999999999-01-01",
            "Fri, 31 Dec +999999999 23:59:59 UTC -18:00", "2016-12-31T23:59:60Z", "2023-02-29T00:00:00Z" };

    /** Pieces of times run together, any text, or the extremes of what the formats can spell. */
    private static String timeLike(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> String.join("", list(r, 0, 14, piece -> pick(piece, PIECES)));
            case 1 -> chars(r, Character.MIN_VALUE, Character.MAX_VALUE, 0, 40);
            default -> pick(r, EXTREMES);
        };
    }

    private static final List<ZoneId> ZONES = zones();

    private static List<ZoneId> zones() {
        List<ZoneId> zones = new ArrayList<>();
        new TreeSet<>(ZoneId.getAvailableZoneIds()).forEach(id -> zones.add(ZoneId.of(id)));
        zones.addAll(List.of(ZoneId.of("+18:00"), ZoneId.of("-18:00")));
        return List.copyOf(zones);
    }

    private static CanonicalEvent event(Instant time) {
        CanonicalEvent.Data data = new CanonicalEvent.Data("tagmango", "course.completed", null, Tenant.NONE,
                new Learner(null, "a@b.c", null, null, null, null, null, null), new Course("c1", null),
                new Enrollment(null, null, time, null, null), new Progress(100.0, true, null), Result.NONE, null, Map.of());
        return CanonicalEvent.of(EventIds.derive("tagmango", "c1"), EventType.COMPLETED, time, data);
    }
}

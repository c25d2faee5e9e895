package io.coursewire.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;

/**
 * The time parsers answer a time or nothing for any text, and every instant in the years 0001-9999
 * is written as RFC 3339 UTC that reads back to the same instant; any other is refused.
 */
class TimesPropertiesTest {

    private static final String RFC_3339_UTC = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void everyInstantInTheRangeIsWrittenAsRfc3339AndReadsBack(@ForAll("inRange") Instant instant) throws Exception {
        String text = Times.rfc3339(instant);
        assertThat(text).matches(RFC_3339_UTC);
        assertThat(Instant.parse(text)).isEqualTo(instant);
        assertThat(Times.iso(text)).contains(instant);
        CanonicalSchema.assertValid(event(instant));
        assertThat(CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event(instant))).get("time").textValue()).isEqualTo(text);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void everyInstantOutsideTheRangeIsRefused(@ForAll("outOfRange") Instant instant) {
        assertThat(Times.isRfc3339(instant)).isFalse();
        assertThatThrownBy(() -> Times.rfc3339(instant)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.toBytes(event(instant))).isInstanceOf(IllegalStateException.class);
    }

    /** Never an exception, whatever the text: the caller names the field when the answer is empty. */
    @Property(tries = 2000, edgeCases = EdgeCasesMode.NONE)
    void theParsersAnswerATimeOrNothing(@ForAll("timeLike") String text, @ForAll("zones") ZoneId zone) {
        Times.iso(text);
        Times.rails(text);
        Times.local(text, zone);
        Times.startOfDay(text, zone);
    }

    @Provide
    Arbitrary<Instant> inRange() {
        return Combinators.combine(
                Arbitraries.longs().between(Times.FIRST.getEpochSecond(), Times.LAST.getEpochSecond()),
                Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000)),
                        Tuple.of(1, Arbitraries.integers().between(0, 999_999_999))))
                .as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Instant> outOfRange() {
        Arbitrary<Long> before = Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Times.FIRST.getEpochSecond() - 1);
        Arbitrary<Long> after = Arbitraries.longs().between(Times.LAST.getEpochSecond() + 1, Instant.MAX.getEpochSecond());
        return Combinators.combine(Arbitraries.oneOf(before, after), Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<String> timeLike() {
        Arbitrary<String> pieces = Arbitraries.of("", "0000", "0001", "9999", "+10000", "+12023", "-0001", "+999999999",
                "-999999999", "+1000000000", "2023", "-", ":", "T", " ", "Z", "+18:00", "-18:00", "+25:00", "12", "31", "60",
                "61", "24", "00", ".", "999999999", "1234567890", "Wed, ", "13 Apr ", " UTC ", "Feb", "29", "\u0000", "\uD800");
        return Arbitraries.oneOf(
                pieces.list().ofMaxSize(14).map(list -> String.join("", list)),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.of("+999999999-12-31T23:59:59-18:00", "-999999999-01-01T00:00:00+18:00",
                        "+999999999-12-31 23:59:59", "-999999999-01-01 00:00:00", "+999999999-12-31", "-999999999-01-01",
                        "Fri, 31 Dec +999999999 23:59:59 UTC -18:00", "2016-12-31T23:59:60Z", "2023-02-29T00:00:00Z"));
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        List<ZoneId> zones = new ArrayList<>();
        new TreeSet<>(ZoneId.getAvailableZoneIds()).forEach(id -> zones.add(ZoneId.of(id)));
        zones.addAll(List.of(ZoneId.of("+18:00"), ZoneId.of("-18:00")));
        return Arbitraries.of(zones);
    }

    private static CanonicalEvent event(Instant time) {
        CanonicalEvent.Data data = new CanonicalEvent.Data("tagmango", "course.completed", null, Tenant.NONE,
                new Learner(null, "a@b.c", null, null, null, null, null, null), new Course("c1", null),
                new Enrollment(null, null, time, null, null), new Progress(100.0, true, null), Result.NONE, null, Map.of());
        return CanonicalEvent.of(EventIds.derive("tagmango", "c1"), EventType.COMPLETED, time, data);
    }
}

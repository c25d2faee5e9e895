package io.coursewire.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;

/**
 * The written form of the canonical event: times are RFC 3339 UTC with four year digits, numbers are
 * finite, and any Java string is written as JSON a strict reader accepts. Events that break the
 * first two rules are refused, never written half-right.
 */
class CanonicalJsonTest {

    private static final String RFC_3339_UTC = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";
    private static final Instant TIME = Instant.parse("2014-02-01T00:20:05.522Z");

    private static CanonicalEvent event(Instant time, Double percent, Double score, String name) {
        CanonicalEvent.Data data = new CanonicalEvent.Data("thinkific", "enrollment.completed", "1",
                new Tenant("59", null),
                new Learner("56", "john@example.com", name, null, null, null, null, null),
                new Course("48", "Course"),
                new Enrollment("75", time, null, null, true),
                new Progress(percent, true, null),
                new Result(score, null),
                CompletedBy.LEARNER,
                Map.of());
        return CanonicalEvent.of(EventIds.derive("thinkific", "1"), EventType.COMPLETED, time, data);
    }

    private static JsonNode written(CanonicalEvent event) throws Exception {
        return CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0001-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
            "2014-02-01T00:20:05.522Z", "2014-02-01T00:20:05.100Z", "2014-02-01T00:20:05.000001Z",
            "2014-02-01T00:20:05.000000001Z", "9999-12-31T23:59:59.999999999Z" })
    void timesAreRfc3339UtcWithFourYearDigits(String time) throws Exception {
        JsonNode json = written(event(Instant.parse(time), 100.0, null, "John"));
        assertThat(json.get("time").textValue()).isEqualTo(time).matches(RFC_3339_UTC);
        assertThat(json.at("/data/enrollment/startedAt").textValue()).isEqualTo(time);
        CanonicalSchema.assertValid(event(Instant.parse(time), 100.0, null, "John"));
    }

    @Test
    void secondsAreAlwaysWritten() {
        assertThat(Times.rfc3339(Instant.parse("2023-11-20T18:30:00Z"))).isEqualTo("2023-11-20T18:30:00Z");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0000-12-31T23:59:59.999999999Z", "-0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "+12023-11-20T18:30:00Z", "-1000000000-01-01T00:00:00Z" })
    void aTimeRfc3339CannotWriteIsRefusedNotWritten(String time) {
        Instant instant = Instant.parse(time);
        assertThat(Times.isRfc3339(instant)).isFalse();
        assertThatThrownBy(() -> Times.rfc3339(instant)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.toBytes(event(instant, 100.0, null, "John")))
                .isInstanceOf(IllegalStateException.class);
        // Only enrollment.startedAt out of range: every instant is held to it, not only the event's time.
        CanonicalEvent nestedOnly = CanonicalEvent.of(EventIds.derive("thinkific", "1"), EventType.COMPLETED, TIME,
                event(instant, 100.0, null, "John").data());
        assertThatThrownBy(() -> CanonicalJson.toBytes(nestedOnly)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theRangeIsTheYears0001To9999() {
        assertThat(Times.FIRST).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
        assertThat(Times.LAST).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999999Z"));
        assertThat(Times.isRfc3339(Times.FIRST)).isTrue();
        assertThat(Times.isRfc3339(Times.LAST)).isTrue();
        assertThat(Times.isRfc3339(Times.FIRST.minusNanos(1))).isFalse();
        assertThat(Times.isRfc3339(Times.LAST.plusNanos(1))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(doubles = { Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN })
    void aNumberThatIsNotFiniteIsRefusedNotWrittenAsAString(double number) {
        // Jackson's default would be "score": "Infinity", which the schema refuses.
        assertThatThrownBy(() -> CanonicalJson.toBytes(event(TIME, null, number, "John")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CanonicalJson.toBytes(event(TIME, number, null, "John")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finiteNumbersAreWrittenAsNumbers() throws Exception {
        JsonNode json = written(event(TIME, 0.0, -0.0, "John"));
        assertThat(json.at("/data/progress/percent").isNumber()).isTrue();
        assertThat(json.at("/data/result/score").isNumber()).isTrue();
        assertThat(written(event(TIME, 100.0, Double.MAX_VALUE, "John")).at("/data/result/score").doubleValue())
                .isEqualTo(Double.MAX_VALUE);
    }

    /**
     * Proof for the choice made in {@code Fields}: Jackson writes an unpaired surrogate as a JSON escape
     * (backslash, u, D800), so serializing never fails; the escape is valid JSON syntax but names no character, and
     * strict readers refuse it, so translators replace or refuse such text before it gets here.
     */
    @Test
    void anyJavaStringIsWrittenWithoutFailingAndReadsBack() throws Exception {
        String lone = "a\uD800b\uDFFF";
        byte[] bytes = CanonicalJson.toBytes(event(TIME, 1.0, null, lone));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).contains("a\\uD800b\\uDFFF");
        assertThat(CanonicalJson.MAPPER.readTree(bytes).at("/data/learner/name").textValue()).isEqualTo(lone);
        // Pairs, controls and the JavaScript line separators all survive the round trip too.
        String odd = "\uD83D\uDE00 \u0000 \u001F \u2028 \u2029 \" \\ é 李";
        assertThat(CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event(TIME, 1.0, null, odd)))
                .at("/data/learner/name").textValue()).isEqualTo(odd);
    }
}

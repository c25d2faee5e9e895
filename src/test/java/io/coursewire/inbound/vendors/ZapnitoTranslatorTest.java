package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.invalid;
import static io.coursewire.inbound.vendors.TranslatorTesting.mapped;
import static io.coursewire.inbound.vendors.TranslatorTesting.object;
import static io.coursewire.inbound.vendors.TranslatorTesting.remove;
import static io.coursewire.inbound.vendors.TranslatorTesting.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;
import io.coursewire.inbound.RequestHeaders;

class ZapnitoTranslatorTest {

    private static final String HOST = "community.acme.org";
    private static final RequestHeaders HEADERS = RequestHeaders.of(Map.of("X-Zapnito-Hostname", HOST));

    private final ZapnitoTranslator translator = new ZapnitoTranslator();

    private CanonicalEvent translate(JsonNode payload) {
        return mapped(translator.translate(payload, HEADERS));
    }

    private void rejects(JsonNode payload, String field) {
        invalid(() -> translator.translate(payload, HEADERS), field);
    }

    private static ObjectNode sample() {
        return fixture("zapnito-course-participation-updated.json");
    }

    @Test
    void theSampleIsProgressBelowTheThreshold() {
        CanonicalEvent e = translate(sample());

        assertThat(translator.vendor()).isEqualTo("zapnito");
        assertThat(e.id()).isEqualTo(EventIds.derive("zapnito", HOST, "1", "1", "18.0", "2022-04-13T22:01:28Z"));
        assertThat(e.source()).isEqualTo("/sources/zapnito");
        assertThat(e.type()).isEqualTo(EventType.PROGRESSED);
        assertThat(e.time()).isEqualTo(Instant.parse("2022-04-13T22:01:28Z"));
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("zapnito");
        assertThat(d.vendorEvent()).isEqualTo("course_participation_updated");
        assertThat(d.vendorEventId()).isNull();
        assertThat(d.tenant()).isEqualTo(new Tenant(null, HOST));
        assertThat(d.learner()).isEqualTo(
                new Learner("1", "michael@zapnito.com", "Michael Smith", null, null, null, null, null));
        assertThat(d.course()).isEqualTo(new Course("1", "How to build a Zapier trigger"));
        assertThat(d.enrollment()).isEqualTo(new Enrollment(null, null, null, null, null));
        assertThat(d.progress()).isEqualTo(new Progress(18.0, false, 100.0));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        assertThat(d.extensions()).isEmpty();
    }

    @ParameterizedTest(name = "{0}% of threshold {1} → {2}")
    @CsvSource({
            "99,   100, course.progressed, false",
            "99.9, 100, course.progressed, false",
            "100,  100, course.completed,  true",
            "79,   80,  course.progressed, false",
            "80,   80,  course.completed,  true",
            "85,   80,  course.completed,  true",
            "0,    0,   course.completed,  true" })
    void theThresholdDecidesTheType(double percent, double threshold, String type, boolean completed) {
        CanonicalEvent e = translate(set(set(sample(), "completion_percent", percent),
                "course_completion_threshold", threshold));
        assertThat(e.type().value()).isEqualTo(type);
        assertThat(e.data().progress()).isEqualTo(new Progress(percent, completed, threshold));
    }

    @ParameterizedTest(name = "{0}% with no threshold → {1}")
    @CsvSource({ "99.9, course.progressed, false", "100, course.completed, true" })
    void anAbsentThresholdMeans100(double percent, String type, boolean completed) {
        CanonicalEvent e = translate(set(remove(sample(), "course_completion_threshold"), "completion_percent", percent));
        assertThat(e.type().value()).isEqualTo(type);
        // The threshold is reported as sent: absent stays null, the default is not invented.
        assertThat(e.data().progress()).isEqualTo(new Progress(percent, completed, null));
        assertThat(translate(set(sample(), "course_completion_threshold", null)).data().progress().threshold()).isNull();
    }

    @Test
    void percentAndThresholdMayArriveAsStrings() {
        CanonicalEvent e = translate(set(set(sample(), "completion_percent", "80.0"), "course_completion_threshold", "80"));
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.data().progress()).isEqualTo(new Progress(80.0, true, 80.0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Wed, 13 Apr 2022 22:01:28 UTC +00:00 | 2022-04-13T22:01:28Z",
            "Wed, 13 Apr 2022 18:01:28 EDT -04:00 | 2022-04-13T22:01:28Z",
            "2022-04-13T22:01:28Z                 | 2022-04-13T22:01:28Z",
            "2022-04-13T22:01:28.250Z             | 2022-04-13T22:01:28.250Z",
            "2022-04-14T00:01:28+02:00            | 2022-04-13T22:01:28Z" })
    void updatedAtInRailsOrIsoForm(String sent, String expected) {
        assertThat(translate(set(sample(), "updated_at", sent)).time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void theSameInstantInEitherFormIsTheSameEvent() {
        assertThat(translate(set(sample(), "updated_at", "2022-04-13T22:01:28Z")).id()).isEqualTo(translate(sample()).id());
    }

    @Test
    void theHostHeaderIsReadCaseInsensitivelyAndIsNullWhenAbsent() {
        CanonicalEvent lower = mapped(translator.translate(sample(), RequestHeaders.of(Map.of("x-zapnito-hostname", HOST))));
        assertThat(lower.data().tenant()).isEqualTo(new Tenant(null, HOST));
        CanonicalEvent none = mapped(translator.translate(sample(), RequestHeaders.NONE));
        assertThat(none.data().tenant()).isEqualTo(new Tenant(null, null));
        assertThat(none.id()).isNotEqualTo(lower.id());
    }

    @Test
    void aLearnerKnownByIdOrByEmailAlone() {
        CanonicalEvent byEmail = translate(remove(sample(), "user_id"));
        assertThat(byEmail.data().learner().id()).isNull();
        assertThat(byEmail.data().learner().email()).isEqualTo("michael@zapnito.com");
        CanonicalEvent byId = translate(remove(sample(), "user_email"));
        assertThat(byId.data().learner()).isEqualTo(new Learner("1", null, "Michael Smith", null, null, null, null, null));
    }

    @Test
    void absentOptionalFieldsAreNull() {
        CanonicalEvent e = translate(remove(remove(sample(), "course_title"), "user_name"));
        assertThat(e.data().course()).isEqualTo(new Course("1", null));
        assertThat(e.data().learner().name()).isNull();
    }

    @Test
    void idsSentAsStringsOrNumbersAreStrings() {
        CanonicalEvent e = translate(set(set(sample(), "course_id", "c-77"), "user_id", 9007199254740993L));
        assertThat(e.data().course().id()).isEqualTo("c-77");
        assertThat(e.data().learner().id()).isEqualTo("9007199254740993");
    }

    @Test
    void unicodeNamesArePreserved() {
        CanonicalEvent e = translate(set(set(sample(), "user_name", "José Ñúñez 李雷"), "course_title", "Ünïcödé 课程"));
        assertThat(e.data().learner().name()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.data().course().title()).isEqualTo("Ünïcödé 课程");
    }

    @Test
    void theSameEventGetsTheSameId() {
        assertThat(translate(sample()).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "completion_percent", "18")).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "user_name", "Other")).id()).isEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "course_id          | 2",
            "user_id            | 2",
            "completion_percent | 19",
            "updated_at         | Wed, 13 Apr 2022 22:01:29 UTC +00:00" })
    void aChangedIdentityFieldChangesTheId(String field, String value) {
        assertThat(translate(set(sample(), field, value)).id()).isNotEqualTo(translate(sample()).id());
    }

    @Test
    void aDifferentCommunityIsADifferentEvent() {
        CanonicalEvent other = mapped(translator.translate(sample(),
                RequestHeaders.of(Map.of("X-Zapnito-Hostname", "other.example.org"))));
        assertThat(other.id()).isNotEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @ValueSource(strings = { "completion_percent", "course_id", "updated_at" })
    void requiredFields(String field) {
        rejects(remove(sample(), field), field);
        rejects(set(sample(), field, null), field);
    }

    @Test
    void aLearnerIdOrEmailIsRequired() {
        var e = invalid(() -> translator.translate(remove(remove(sample(), "user_id"), "user_email"), HEADERS), "user_id");
        assertThat(e.getMessage()).isEqualTo("'user_id' or 'user_email' is required");
    }

    @Test
    void theKindIsCheckedFirst() {
        rejects(remove(remove(sample(), "completion_percent"), "course_id"), "completion_percent");
    }

    @Test
    void wrongTypesAndFormatsNameTheField() {
        rejects(set(sample(), "course_id", object()), "course_id");
        rejects(set(sample(), "user_id", true), "user_id");
        rejects(set(sample(), "user_email", 42), "user_email");
        rejects(set(sample(), "updated_at", "not-a-date"), "updated_at");
        rejects(set(sample(), "updated_at", "Wed, 13 Apr 2022 22:01:28"), "updated_at");
        rejects(set(sample(), "completion_percent", "abc"), "completion_percent");
        rejects(set(sample(), "completion_percent", 150), "completion_percent");
        rejects(set(sample(), "completion_percent", -1), "completion_percent");
        rejects(set(sample(), "course_completion_threshold", "abc"), "course_completion_threshold");
        rejects(set(sample(), "course_title", object()), "course_title");
    }
}

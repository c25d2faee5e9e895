package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.invalid;
import static io.coursewire.inbound.vendors.TranslatorTesting.json;
import static io.coursewire.inbound.vendors.TranslatorTesting.mapped;
import static io.coursewire.inbound.vendors.TranslatorTesting.object;
import static io.coursewire.inbound.vendors.TranslatorTesting.remove;
import static io.coursewire.inbound.vendors.TranslatorTesting.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

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

class TagMangoTranslatorTest {

    private final TagMangoTranslator translator = new TagMangoTranslator();

    private CanonicalEvent translate(JsonNode payload) {
        return mapped(translator.translate(payload, RequestHeaders.NONE));
    }

    private static ObjectNode sample() {
        return fixture("tagmango-course-completed.json");
    }

    @Test
    void theSampleIsACompletion() {
        CanonicalEvent e = translate(sample());

        Instant time = Instant.parse("2023-11-20T18:30:00Z");
        assertThat(translator.vendor()).isEqualTo("tagmango");
        assertThat(e.id()).isEqualTo(EventIds.derive("tagmango", "634fc35ddaf58580e2418c40", "student@example.com",
                "2023-11-20T18:30:00Z"));
        assertThat(e.source()).isEqualTo("/sources/tagmango");
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.time()).isEqualTo(time);
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("tagmango");
        assertThat(d.vendorEvent()).isEqualTo("course.completed");
        assertThat(d.vendorEventId()).isNull();
        assertThat(d.tenant()).isEqualTo(new Tenant(null, null));
        assertThat(d.learner()).isEqualTo(
                new Learner(null, "student@example.com", "Student Name", null, null, null, "1234567890", null));
        assertThat(d.course()).isEqualTo(new Course("634fc35ddaf58580e2418c40", "Example course"));
        assertThat(d.enrollment()).isEqualTo(new Enrollment(null, null, time, null, null));
        assertThat(d.progress()).isEqualTo(new Progress(100.0, true, null));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        assertThat(d.extensions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "2023-11-20T18:30Z,         2023-11-20T18:30:00Z",
            "2023-11-20T18:30:15Z,      2023-11-20T18:30:15Z",
            "2023-11-20T18:30:15.250Z,  2023-11-20T18:30:15.250Z",
            "2023-11-21T00:00+05:30,    2023-11-20T18:30:00Z" })
    void lastProgressOnIsTheTimeAndTheCompletion(String sent, String expected) {
        CanonicalEvent e = translate(set(sample(), "lastProgressOn", sent));
        assertThat(e.time()).isEqualTo(Instant.parse(expected));
        assertThat(e.data().enrollment().completedAt()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aPhoneNumberKeepsItsDigits() {
        assertThat(translate(set(sample(), "phone", 5511987654321L)).data().learner().phone()).isEqualTo("5511987654321");
        assertThat(translate(json("""
                {"email":"a@b.c","courseId":"c1","lastProgressOn":"2023-11-20T18:30Z","phone":1.23456789E9}"""))
                .data().learner().phone()).isEqualTo("1234567890");
    }

    @Test
    void aPhoneSentAsTextIsKeptAsText() {
        assertThat(translate(set(sample(), "phone", " +55 11 98765-4321 ")).data().learner().phone())
                .isEqualTo("+55 11 98765-4321");
    }

    @Test
    void absentOptionalFieldsAreNull() {
        ObjectNode payload = remove(remove(remove(sample(), "phone"), "name"), "course");
        CanonicalEvent e = translate(payload);
        assertThat(e.data().learner()).isEqualTo(new Learner(null, "student@example.com", null, null, null, null, null, null));
        assertThat(e.data().course()).isEqualTo(new Course("634fc35ddaf58580e2418c40", null));
        assertThat(translate(set(sample(), "phone", null)).data().learner().phone()).isNull();
    }

    @Test
    void unicodeNamesArePreserved() {
        CanonicalEvent e = translate(set(set(sample(), "name", "José Ñúñez 李雷"), "course", "Introdução à Física 物理"));
        assertThat(e.data().learner().name()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.data().course().title()).isEqualTo("Introdução à Física 物理");
    }

    @Test
    void aNumericCourseIdBecomesAString() {
        assertThat(translate(set(sample(), "courseId", 12345)).data().course().id()).isEqualTo("12345");
    }

    @Test
    void theSameEventGetsTheSameId() {
        assertThat(translate(sample()).id()).isEqualTo(translate(sample()).id());
        // Not part of the identity: a changed name or phone is the same completion.
        assertThat(translate(set(sample(), "name", "Other")).id()).isEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @CsvSource({ "courseId, 634fc35ddaf58580e2418c41", "email, other@example.com", "lastProgressOn, 2023-11-20T18:31Z" })
    void aChangedIdentityFieldChangesTheId(String field, String value) {
        assertThat(translate(set(sample(), field, value)).id()).isNotEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @ValueSource(strings = { "courseId", "email", "lastProgressOn" })
    void requiredFields(String field) {
        invalid(() -> translator.translate(remove(sample(), field), RequestHeaders.NONE), field);
        invalid(() -> translator.translate(set(sample(), field, null), RequestHeaders.NONE), field);
    }

    @Test
    void wrongTypesAndFormatsNameTheField() {
        invalid(() -> translator.translate(set(sample(), "courseId", object()), RequestHeaders.NONE), "courseId");
        invalid(() -> translator.translate(set(sample(), "courseId", 1.5), RequestHeaders.NONE), "courseId");
        invalid(() -> translator.translate(set(sample(), "lastProgressOn", "not-a-date"), RequestHeaders.NONE),
                "lastProgressOn");
        invalid(() -> translator.translate(set(sample(), "lastProgressOn", 1700505000), RequestHeaders.NONE),
                "lastProgressOn");
        invalid(() -> translator.translate(set(sample(), "email", 42), RequestHeaders.NONE), "email");
        invalid(() -> translator.translate(set(sample(), "phone", object()), RequestHeaders.NONE), "phone");
        invalid(() -> translator.translate(set(sample(), "phone", 12.5), RequestHeaders.NONE), "phone");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRejectedAsAWhole() {
        invalid(() -> translator.translate(json("[1, 2]"), RequestHeaders.NONE), null);
    }
}

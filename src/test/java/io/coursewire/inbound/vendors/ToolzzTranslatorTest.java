package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.invalid;
import static io.coursewire.inbound.vendors.TranslatorTesting.json;
import static io.coursewire.inbound.vendors.TranslatorTesting.mapped;
import static io.coursewire.inbound.vendors.TranslatorTesting.object;
import static io.coursewire.inbound.vendors.TranslatorTesting.remove;
import static io.coursewire.inbound.vendors.TranslatorTesting.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

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
import io.coursewire.accept.Translation;

class ToolzzTranslatorTest {

    private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");

    private final ToolzzTranslator translator = new ToolzzTranslator(SAO_PAULO);

    private CanonicalEvent translate(JsonNode payload) {
        return mapped(translator.translate(payload, RequestHeaders.NONE));
    }

    private void rejects(JsonNode payload, String field) {
        invalid(() -> translator.translate(payload, RequestHeaders.NONE), field);
    }

    private static ObjectNode sample() {
        return fixture("toolzz-course-completed.json");
    }

    @Test
    void theSampleIsACompletion() {
        CanonicalEvent e = translate(sample());

        // 12:53:41 in São Paulo (UTC-3 all year since 2019) is 15:53:41 UTC.
        Instant time = Instant.parse("2023-07-03T15:53:41Z");
        assertThat(translator.vendor()).isEqualTo("toolzz");
        assertThat(e.id()).isEqualTo(EventIds.derive("toolzz", "12345", "11", "activities.course.completed",
                "2023-07-03T15:53:41Z"));
        assertThat(e.source()).isEqualTo("/sources/toolzz");
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.time()).isEqualTo(time);
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("toolzz");
        assertThat(d.vendorEvent()).isEqualTo("activities.course.completed");
        assertThat(d.vendorEventId()).isNull();
        assertThat(d.tenant()).isEqualTo(new Tenant("12345", null));
        assertThat(d.learner()).isEqualTo(
                new Learner("987654321", "student@toolzz.com", "Student", null, null, null, null, null));
        assertThat(d.course()).isEqualTo(new Course("123456", "Course Name"));
        assertThat(d.enrollment()).isEqualTo(new Enrollment("11", null, null, null, true));
        assertThat(d.progress()).isEqualTo(new Progress(100.0, true, null));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        // Kept as sent, in order: nickname and uuid are present in the sample as JSON nulls.
        assertThat(d.extensions()).containsExactly(
                entry("cpf", TextNode.valueOf("123.456.789-99")),
                entry("nickname", NullNode.getInstance()),
                entry("uuid", NullNode.getInstance()),
                entry("actived", IntNode.valueOf(1)));
    }

    @ParameterizedTest(name = "{0} in São Paulo = {1}")
    @CsvSource({
            "2023-07-03 12:53:41, 2023-07-03T15:53:41Z",
            "2023-07-03 13:53:41, 2023-07-03T16:53:41Z",
            "2023-07-03 23:30:00, 2023-07-04T02:30:00Z",
            "2023-07-03 13:53,    2023-07-03T16:53:00Z",
            // São Paulo still kept summer time (UTC-2) in December 2018.
            "2018-12-03 13:53:41, 2018-12-03T15:53:41Z",
            // A time that carries its own offset is taken as it says.
            "2023-07-03T13:53:41Z, 2023-07-03T13:53:41Z" })
    void sendAtIsReadInTheConfiguredZone(String sendAt, String expected) {
        assertThat(translate(set(sample(), "event.send_at", sendAt)).time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void anotherZoneCanBeConfigured() {
        ToolzzTranslator utc = new ToolzzTranslator(ZoneOffset.UTC);
        CanonicalEvent e = mapped(utc.translate(set(sample(), "data.enrollment.date_expire", "2024-01-15"), RequestHeaders.NONE));
        assertThat(e.time()).isEqualTo(Instant.parse("2023-07-03T12:53:41Z"));
        assertThat(e.data().enrollment().expiresAt()).isEqualTo(Instant.parse("2024-01-15T00:00:00Z"));
    }

    @Test
    void dateExpireIsTheStartOfThatDayInTheZone() {
        CanonicalEvent e = translate(set(sample(), "data.enrollment.date_expire", "2024-01-15"));
        assertThat(e.data().enrollment().expiresAt()).isEqualTo(Instant.parse("2024-01-15T03:00:00Z"));
        assertThat(translate(set(sample(), "data.enrollment.date_expire", "")).data().enrollment().expiresAt()).isNull();
    }

    @ParameterizedTest
    @CsvSource({ "1, true", "0, false", "2, false" })
    void activeIsStatusOne(int status, boolean active) {
        assertThat(translate(set(sample(), "data.enrollment.status", status)).data().enrollment().active()).isEqualTo(active);
        assertThat(translate(set(sample(), "data.enrollment.status", String.valueOf(status))).data().enrollment().active())
                .isEqualTo(active);
    }

    @Test
    void anAbsentStatusLeavesActiveUnknown() {
        assertThat(translate(remove(sample(), "data.enrollment.status")).data().enrollment().active()).isNull();
        assertThat(translate(set(sample(), "data.enrollment.status", null)).data().enrollment().active()).isNull();
    }

    @Test
    void otherSlugsAreIgnoredBeforeTheirFieldsAreRead() {
        assertThat(translator.translate(set(sample(), "event.slug", "activities.course.started"), RequestHeaders.NONE))
                .isEqualTo(new Translation.Ignored("toolzz", "activities.course.started"));
        assertThat(translator.translate(json("""
                {"event": {"slug": "users.user.created", "send_at": "2023-07-03 12:53:41"}, "data": {"user": {"id": 1}}}"""),
                RequestHeaders.NONE)).isEqualTo(new Translation.Ignored("toolzz", "users.user.created"));
    }

    @Test
    void onlyPresentExtensionsAreKept() {
        ObjectNode payload = remove(remove(remove(sample(), "data.user.nickname"), "data.user.uuid"), "data.enrollment.actived");
        assertThat(translate(payload).data().extensions())
                .containsOnlyKeys("cpf");
        ObjectNode none = remove(payload, "data.user.cpf");
        assertThat(translate(none).data().extensions()).isEmpty();
        ObjectNode all = set(set(sample(), "data.user.nickname", "Zé"), "data.user.uuid", "5f1c-uuid");
        assertThat(translate(all).data().extensions()).containsEntry("nickname", TextNode.valueOf("Zé"))
                .containsEntry("uuid", TextNode.valueOf("5f1c-uuid"));
    }

    @Test
    void absentOptionalFieldsAreNull() {
        ObjectNode payload = remove(remove(remove(remove(sample(), "data.institution"), "data.enrollment"),
                "data.user.name"), "data.course.name");
        CanonicalEvent e = translate(payload);
        assertThat(e.data().tenant()).isEqualTo(new Tenant(null, null));
        assertThat(e.data().enrollment()).isEqualTo(new Enrollment(null, null, null, null, null));
        assertThat(e.data().learner().name()).isNull();
        assertThat(e.data().course()).isEqualTo(new Course("123456", null));
    }

    @Test
    void aLearnerKnownByIdOrByEmailAlone() {
        assertThat(translate(remove(sample(), "data.user.id")).data().learner().email()).isEqualTo("student@toolzz.com");
        assertThat(translate(remove(sample(), "data.user.email")).data().learner().id()).isEqualTo("987654321");
    }

    @Test
    void idsSentAsStringsStayStrings() {
        CanonicalEvent e = translate(set(set(sample(), "data.course.id", "00123"), "data.institution.id", "inst-9"));
        assertThat(e.data().course().id()).isEqualTo("00123");
        assertThat(e.data().tenant().id()).isEqualTo("inst-9");
    }

    @Test
    void unicodeNamesArePreserved() {
        CanonicalEvent e = translate(set(set(sample(), "data.user.name", "José Ñúñez 李雷"), "data.course.name", "Gestão de Projetos"));
        assertThat(e.data().learner().name()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.data().course().title()).isEqualTo("Gestão de Projetos");
    }

    @Test
    void theSameEventGetsTheSameId() {
        assertThat(translate(sample()).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "data.user.name", "Other")).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "data.enrollment.id", "11")).id()).isEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "data.institution.id | 12346",
            "data.enrollment.id  | 12",
            "event.send_at       | 2023-07-03 12:53:42" })
    void aChangedIdentityFieldChangesTheId(String field, String value) {
        assertThat(translate(set(sample(), field, value)).id()).isNotEqualTo(translate(sample()).id());
    }

    @Test
    void theSameLocalTimeInAnotherZoneIsAnotherEvent() {
        CanonicalEvent utc = mapped(new ToolzzTranslator(ZoneOffset.UTC).translate(sample(), RequestHeaders.NONE));
        assertThat(utc.id()).isNotEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @ValueSource(strings = { "event.slug", "event.send_at", "data.course.id" })
    void requiredFields(String field) {
        rejects(remove(sample(), field), field);
        rejects(set(sample(), field, null), field);
    }

    @Test
    void aLearnerIdOrEmailIsRequired() {
        var e = invalid(() -> translator.translate(remove(remove(sample(), "data.user.id"), "data.user.email"),
                RequestHeaders.NONE), "data.user.id");
        assertThat(e.getMessage()).isEqualTo("'data.user.id' or 'data.user.email' is required");
    }

    @Test
    void wrongTypesAndFormatsNameTheField() {
        rejects(set(sample(), "event.slug", 7), "event.slug");
        rejects(set(sample(), "event", "activities.course.completed"), "event");
        rejects(set(sample(), "data.course.id", object()), "data.course.id");
        rejects(set(sample(), "data.course", "123456"), "data.course");
        rejects(set(sample(), "event.send_at", "not-a-date"), "event.send_at");
        rejects(set(sample(), "event.send_at", "2023-02-30 12:00:00"), "event.send_at");
        rejects(set(sample(), "data.enrollment.date_expire", "not-a-date"), "data.enrollment.date_expire");
        rejects(set(sample(), "data.enrollment.date_expire", "2024-13-45"), "data.enrollment.date_expire");
        rejects(set(sample(), "data.enrollment.status", "abc"), "data.enrollment.status");
        rejects(set(sample(), "data.institution.id", object()), "data.institution.id");
        rejects(set(sample(), "data.user.email", 42), "data.user.email");
    }
}

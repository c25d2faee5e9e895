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
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
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
import io.coursewire.accept.Translation;

class ThinkificTranslatorTest {

    private static final RequestHeaders HEADERS = RequestHeaders.of(Map.of("X-Thinkific-Subdomain", "acme-academy"));
    private static final Learner JOHN_DOE_94 =
            new Learner("94", "[TEST] [email protected]", "[TEST] John Doe", "[TEST] John", "Doe", null, null, null);

    private final ThinkificTranslator translator = new ThinkificTranslator();

    private CanonicalEvent translate(JsonNode payload) {
        return mapped(translator.translate(payload, HEADERS));
    }

    private void rejects(JsonNode payload, String field) {
        invalid(() -> translator.translate(payload, HEADERS), field);
    }

    private static ObjectNode created() {
        return fixture("thinkific-enrollment-created.json");
    }

    private static ObjectNode progress() {
        return fixture("thinkific-enrollment-progress.json");
    }

    private static ObjectNode completed() {
        return fixture("thinkific-enrollment-completed.json");
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void theCreatedSampleIsAnEnrollment() {
        CanonicalEvent e = translate(created());

        assertThat(translator.vendor()).isEqualTo("thinkific");
        assertThat(e.id()).isEqualTo(EventIds.derive("thinkific", "20190131191810790022472"));
        assertThat(e.source()).isEqualTo("/sources/thinkific");
        assertThat(e.type()).isEqualTo(EventType.ENROLLED);
        assertThat(e.time()).isEqualTo(at("2014-02-01T00:18:10.768Z"));
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("thinkific");
        assertThat(d.vendorEvent()).isEqualTo("enrollment.created");
        assertThat(d.vendorEventId()).isEqualTo("20190131191810790022472");
        assertThat(d.tenant()).isEqualTo(new Tenant("59", "acme-academy"));
        assertThat(d.learner()).isEqualTo(JOHN_DOE_94);
        assertThat(d.course()).isEqualTo(new Course("68", "[TEST] lorem ipsum"));
        assertThat(d.enrollment()).isEqualTo(new Enrollment("3", at("2014-02-01T00:18:10.768Z"),
                at("2014-02-01T00:18:10.767Z"), at("2014-02-01T00:18:10.767Z"), true));
        assertThat(d.progress()).isEqualTo(new Progress(0.0, false, null));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        assertThat(d.extensions()).isEqualTo(Map.of("free_trial", BooleanNode.FALSE));
    }

    @Test
    void theProgressSampleIsProgressWithAStringPercent() {
        CanonicalEvent e = translate(progress());

        assertThat(e.id()).isEqualTo(EventIds.derive("thinkific", "20190131192004041953291"));
        assertThat(e.source()).isEqualTo("/sources/thinkific");
        assertThat(e.type()).isEqualTo(EventType.PROGRESSED);
        assertThat(e.time()).isEqualTo(at("2014-02-01T00:20:04.019Z"));
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("thinkific");
        assertThat(d.vendorEvent()).isEqualTo("enrollment.progress");
        assertThat(d.vendorEventId()).isEqualTo("20190131192004041953291");
        assertThat(d.tenant()).isEqualTo(new Tenant("59", "acme-academy"));
        assertThat(d.learner()).isEqualTo(
                new Learner("95", "[TEST] [email protected]", "[TEST] John Doe", "[TEST] John", "Doe", null, null, null));
        assertThat(d.course()).isEqualTo(new Course("25", "[TEST] lorem ipsum"));
        Instant t = at("2014-02-01T00:20:04.019Z");
        assertThat(d.enrollment()).isEqualTo(new Enrollment("4", t, t, t, true));
        assertThat(d.progress()).isEqualTo(new Progress(24.0, false, null));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        assertThat(d.extensions()).isEqualTo(Map.of("free_trial", BooleanNode.FALSE));
    }

    @Test
    void theCompletedSampleIsACompletion() {
        CanonicalEvent e = translate(completed());

        assertThat(e.id()).isEqualTo(EventIds.derive("thinkific", "20190131192005552012814"));
        assertThat(e.source()).isEqualTo("/sources/thinkific");
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.time()).isEqualTo(at("2014-02-01T00:20:05.522Z"));
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("thinkific");
        assertThat(d.vendorEvent()).isEqualTo("enrollment.completed");
        assertThat(d.vendorEventId()).isEqualTo("20190131192005552012814");
        assertThat(d.tenant()).isEqualTo(new Tenant("59", "acme-academy"));
        assertThat(d.learner()).isEqualTo(
                new Learner("56", "[TEST] [email protected]", "[TEST] John Doe", "[TEST] John", "Doe", null, null, null));
        assertThat(d.course()).isEqualTo(new Course("48", "[TEST] lorem ipsum"));
        Instant t = at("2014-02-01T00:20:05.522Z");
        assertThat(d.enrollment()).isEqualTo(new Enrollment("75", t, t, t, true));
        assertThat(d.progress()).isEqualTo(new Progress(100.0, true, null));
        assertThat(d.result()).isEqualTo(new Result(null, null));
        assertThat(d.completedBy()).isNull();
        assertThat(d.extensions()).isEqualTo(Map.of("free_trial", BooleanNode.FALSE));
    }

    @ParameterizedTest(name = "progress at {0} → completed {1}")
    @CsvSource({ "'24.0', false", "'99.9', false", "'100.0', true", "'100', true" })
    void progressAtOneHundredIsCompleted(String percent, boolean done) {
        CanonicalEvent e = translate(set(progress(), "payload.percentage_completed", percent));
        // Still a progress event: only the action names the kind.
        assertThat(e.type()).isEqualTo(EventType.PROGRESSED);
        assertThat(e.data().progress()).isEqualTo(new Progress(Double.valueOf(percent), done, null));
    }

    @Test
    void aCompletionIsCompletedWhateverThePercent() {
        CanonicalEvent e = translate(set(completed(), "payload.percentage_completed", "50.0"));
        assertThat(e.data().progress()).isEqualTo(new Progress(50.0, true, null));
        assertThat(translate(remove(completed(), "payload.percentage_completed")).data().progress())
                .isEqualTo(new Progress(null, true, null));
    }

    @Test
    void aPercentSentAsANumberIsReadToo() {
        assertThat(translate(set(progress(), "payload.percentage_completed", 24)).data().progress().percent()).isEqualTo(24.0);
    }

    @Test
    void theCourseIdFallsBackToCourseId() {
        CanonicalEvent e = translate(remove(created(), "payload.course"));
        assertThat(e.data().course()).isEqualTo(new Course("68", null));
        assertThat(translate(set(remove(created(), "payload.course.id"), "payload.course_id", "68-b")).data().course())
                .isEqualTo(new Course("68-b", "[TEST] lorem ipsum"));
        // payload.course.id wins when both are sent.
        assertThat(translate(set(created(), "payload.course_id", 1)).data().course().id()).isEqualTo("68");
    }

    @Test
    void anEnrollmentNeverActivatedIsInactive() {
        assertThat(translate(set(created(), "payload.activated_at", null)).data().enrollment().active()).isFalse();
        assertThat(translate(remove(created(), "payload.activated_at")).data().enrollment().active()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({ "order, created", "enrollment, deleted", "user, created", "Enrollment, created" })
    void otherKindsAreIgnored(String resource, String action) {
        assertThat(translator.translate(set(set(created(), "resource", resource), "action", action), HEADERS))
                .isEqualTo(new Translation.Ignored("thinkific", resource + "." + action));
    }

    @Test
    void anOrderIsIgnoredBeforeItsFieldsAreRead() {
        assertThat(translator.translate(json("""
                {"id": "20190131200000000000001", "resource": "order", "action": "created",
                 "created_at": "2019-01-31T20:00:00Z", "payload": {"amount_cents": 1000}}"""), HEADERS))
                .isEqualTo(new Translation.Ignored("thinkific", "order.created"));
    }

    @Test
    void absentOptionalFieldsAreNull() {
        ObjectNode payload = created();
        for (String path : new String[] { "tenant_id", "payload.id", "payload.started_at", "payload.completed_at",
                "payload.expiry_date", "payload.free_trial", "payload.percentage_completed", "payload.user.first_name",
                "payload.user.last_name" }) {
            remove(payload, path);
        }
        CanonicalEvent e = mapped(translator.translate(payload, RequestHeaders.NONE));
        assertThat(e.data().tenant()).isEqualTo(new Tenant(null, null));
        assertThat(e.data().learner()).isEqualTo(new Learner("94", "[TEST] [email protected]", null, null, null, null, null, null));
        assertThat(e.data().enrollment()).isEqualTo(new Enrollment(null, null, null, null, true));
        assertThat(e.data().progress()).isEqualTo(new Progress(null, false, null));
        assertThat(e.data().extensions()).isEmpty();
    }

    @Test
    void aLearnerKnownByIdOrByEmailAlone() {
        assertThat(translate(remove(created(), "payload.user.id")).data().learner().email()).isEqualTo("[TEST] [email protected]");
        assertThat(translate(remove(created(), "payload.user.email")).data().learner().id()).isEqualTo("94");
    }

    @Test
    void idsAsNumbersBecomeStrings() {
        CanonicalEvent e = translate(set(set(created(), "id", 20190131191810790L), "tenant_id", 59));
        assertThat(e.data().vendorEventId()).isEqualTo("20190131191810790");
        assertThat(e.data().tenant().id()).isEqualTo("59");
    }

    @Test
    void unicodeNamesArePreserved() {
        CanonicalEvent e = translate(set(set(set(created(), "payload.user.first_name", "José"),
                "payload.user.last_name", "Ñúñez 李雷"), "payload.course.name", "Curso de Ñandú"));
        assertThat(e.data().learner().name()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.data().course().title()).isEqualTo("Curso de Ñandú");
    }

    @Test
    void theThinkificIdIsTheIdentity() {
        assertThat(translate(created()).id()).isEqualTo(translate(created()).id());
        // A retry carries the same id; nothing else enters the identity.
        assertThat(translate(set(created(), "created_at", "2014-02-01T00:19:00Z")).id()).isEqualTo(translate(created()).id());
        assertThat(translate(set(created(), "id", "20190131191810790022473")).id()).isNotEqualTo(translate(created()).id());
    }

    @ParameterizedTest
    @ValueSource(strings = { "resource", "action", "id", "created_at" })
    void requiredFields(String field) {
        rejects(remove(created(), field), field);
        rejects(set(created(), field, null), field);
    }

    @Test
    void aCourseIdIsRequiredInEitherPlace() {
        var e = invalid(() -> translator.translate(remove(remove(created(), "payload.course"), "payload.course_id"), HEADERS),
                "payload.course.id");
        assertThat(e.getMessage()).isEqualTo("'payload.course.id' or 'payload.course_id' is required");
    }

    @Test
    void aLearnerIdOrEmailIsRequired() {
        var e = invalid(() -> translator.translate(remove(remove(created(), "payload.user.id"), "payload.user.email"), HEADERS),
                "payload.user.id");
        assertThat(e.getMessage()).isEqualTo("'payload.user.id' or 'payload.user.email' is required");
    }

    @Test
    void theKindIsCheckedFirst() {
        rejects(remove(remove(created(), "action"), "payload"), "action");
    }

    @Test
    void wrongTypesAndFormatsNameTheField() {
        rejects(set(created(), "resource", 1), "resource");
        rejects(set(created(), "action", object()), "action");
        rejects(set(created(), "id", object()), "id");
        rejects(set(created(), "created_at", "not-a-date"), "created_at");
        rejects(set(created(), "payload.course.id", object()), "payload.course.id");
        rejects(set(created(), "payload.course", 68), "payload.course");
        rejects(set(progress(), "payload.percentage_completed", "abc"), "payload.percentage_completed");
        rejects(set(progress(), "payload.percentage_completed", "101"), "payload.percentage_completed");
        rejects(set(created(), "payload.started_at", "yesterday"), "payload.started_at");
        rejects(set(created(), "payload.expiry_date", "not-a-date"), "payload.expiry_date");
        rejects(set(created(), "payload.activated_at", "not-a-date"), "payload.activated_at");
        rejects(set(created(), "payload.user.email", 5), "payload.user.email");
        rejects(set(created(), "payload", "x"), "payload");
    }
}

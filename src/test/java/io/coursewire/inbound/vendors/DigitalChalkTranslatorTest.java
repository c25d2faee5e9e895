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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;
import io.coursewire.canonical.CompletedBy;
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;

class DigitalChalkTranslatorTest {

    private static final String REGISTRATION = "0e110b8a72294161a589ade444bd978f";

    private final DigitalChalkTranslator translator = new DigitalChalkTranslator();

    private CanonicalEvent translate(JsonNode payload) {
        return mapped(translator.translate(payload, RequestHeaders.NONE));
    }

    private void rejects(JsonNode payload, String field) {
        invalid(() -> translator.translate(payload, RequestHeaders.NONE), field);
    }

    private static ObjectNode sample() {
        return fixture("digitalchalk-offering-completed.json");
    }

    private static ObjectNode registered() {
        return set(sample(), "event", "offering_registered");
    }

    @Test
    void theSampleIsACompletionByTheLearner() {
        CanonicalEvent e = translate(sample());

        assertThat(translator.vendor()).isEqualTo("digitalchalk");
        assertThat(e.id()).isEqualTo(EventIds.derive("digitalchalk", "offering_completed", REGISTRATION, "2014-04-18T00:39:57Z"));
        assertThat(e.source()).isEqualTo("/sources/digitalchalk");
        assertThat(e.type()).isEqualTo(EventType.COMPLETED);
        assertThat(e.time()).isEqualTo(Instant.parse("2014-04-18T00:39:57Z"));
        CanonicalEvent.Data d = e.data();
        assertThat(d.vendor()).isEqualTo("digitalchalk");
        assertThat(d.vendorEvent()).isEqualTo("offering_completed");
        assertThat(d.vendorEventId()).isNull();
        assertThat(d.tenant()).isEqualTo(new Tenant(null, null));
        assertThat(d.learner()).isEqualTo(new Learner("8920ae04b9d6461ea2c7de6f6240ec4f", "biobr@infoseller.com",
                "Biondello Brissette", "Biondello", "Brissette", "biobr@infoseller.com", null, "en"));
        assertThat(d.course()).isEqualTo(new Course("c07fba9bfea94358b3fdd906b7d601a4", "Sample Course"));
        assertThat(d.enrollment()).isEqualTo(new Enrollment(REGISTRATION, Instant.parse("2013-09-19T00:39:57Z"),
                Instant.parse("2014-11-15T00:39:57Z"), null, null));
        assertThat(d.progress()).isEqualTo(new Progress(100.0, true, null));
        assertThat(d.result()).isEqualTo(new Result(58.0, false));
        assertThat(d.completedBy()).isEqualTo(CompletedBy.LEARNER);
        assertThat(d.extensions()).isEqualTo(Map.of("source", TextNode.valueOf("SELF")));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = { "SELF, LEARNER", "ADMIN, ADMIN", "IMPORT, none", "self, none" })
    void theSourceSaysWhoCompleted(String source, CompletedBy expected) {
        CanonicalEvent e = translate(set(sample(), "source", source));
        assertThat(e.data().completedBy()).isEqualTo(expected);
        assertThat(e.data().extensions()).isEqualTo(Map.of("source", TextNode.valueOf(source)));
    }

    @Test
    void anAbsentSourceIsUnknownAndNotKept() {
        CanonicalEvent e = translate(remove(sample(), "source"));
        assertThat(e.data().completedBy()).isNull();
        assertThat(e.data().extensions()).isEmpty();
    }

    @Test
    void aRegistrationIsAnEnrollment() {
        CanonicalEvent e = translate(registered());
        assertThat(e.type()).isEqualTo(EventType.ENROLLED);
        assertThat(e.data().vendorEvent()).isEqualTo("offering_registered");
        assertThat(e.data().progress()).isEqualTo(new Progress(null, false, null));
        assertThat(e.data().completedBy()).isNull();
        assertThat(e.data().extensions()).isEqualTo(Map.of("source", TextNode.valueOf("SELF")));
        assertThat(e.id()).isEqualTo(EventIds.derive("digitalchalk", "offering_registered", REGISTRATION, "2014-04-18T00:39:57Z"));
        assertThat(e.id()).isNotEqualTo(translate(sample()).id());
    }

    @Test
    void completedByIsNullForARegistrationWhateverTheSource() {
        assertThat(translate(set(registered(), "source", "ADMIN")).data().completedBy()).isNull();
    }

    @Test
    void otherEventsAreIgnoredBeforeTheirFieldsAreRead() {
        assertThat(translator.translate(json("""
                {"event": "user_created", "date": "2014-04-18T00:39:57Z", "user": {"id": "u1"}}"""), RequestHeaders.NONE))
                .isEqualTo(new Translation.Ignored("digitalchalk", "user_created"));
        assertThat(translator.translate(set(sample(), "event", "offering_expired"), RequestHeaders.NONE))
                .isEqualTo(new Translation.Ignored("digitalchalk", "offering_expired"));
    }

    @Test
    void theNameIsFirstAndLast() {
        assertThat(translate(remove(sample(), "user.lastName")).data().learner().name()).isEqualTo("Biondello");
        assertThat(translate(remove(sample(), "user.firstName")).data().learner().name()).isEqualTo("Brissette");
        CanonicalEvent none = translate(remove(remove(sample(), "user.firstName"), "user.lastName"));
        assertThat(none.data().learner().name()).isNull();
        assertThat(none.data().learner().firstName()).isNull();
    }

    @Test
    void absentOptionalFieldsAreNull() {
        ObjectNode payload = remove(remove(remove(remove(sample(), "registration"), "offering.title"), "user.username"),
                "user.locale");
        CanonicalEvent e = translate(payload);
        assertThat(e.data().enrollment()).isEqualTo(new Enrollment(null, null, null, null, null));
        assertThat(e.data().result()).isEqualTo(new Result(null, null));
        assertThat(e.data().course()).isEqualTo(new Course("c07fba9bfea94358b3fdd906b7d601a4", null));
        assertThat(e.data().learner().username()).isNull();
        assertThat(e.data().learner().locale()).isNull();
    }

    @Test
    void numbersAndIdsAsVendorsSendThem() {
        CanonicalEvent e = translate(set(set(set(set(sample(), "offering.id", 4711), "user.id", 99),
                "registration.grade", "91.5"), "registration.passed", "true"));
        assertThat(e.data().course().id()).isEqualTo("4711");
        assertThat(e.data().learner().id()).isEqualTo("99");
        assertThat(e.data().result()).isEqualTo(new Result(91.5, true));
    }

    @Test
    void aLearnerKnownByIdOrByEmailAlone() {
        assertThat(translate(remove(sample(), "user.id")).data().learner().email()).isEqualTo("biobr@infoseller.com");
        assertThat(translate(remove(sample(), "user.email")).data().learner().id()).isEqualTo("8920ae04b9d6461ea2c7de6f6240ec4f");
    }

    @Test
    void unicodeNamesArePreserved() {
        CanonicalEvent e = translate(set(set(sample(), "user.firstName", "José"), "user.lastName", "Ñúñez 李雷"));
        assertThat(e.data().learner().name()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.data().learner().firstName()).isEqualTo("José");
        assertThat(e.data().learner().lastName()).isEqualTo("Ñúñez 李雷");
    }

    @Test
    void theSameEventGetsTheSameId() {
        assertThat(translate(sample()).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "registration.grade", 99.0)).id()).isEqualTo(translate(sample()).id());
        assertThat(translate(set(sample(), "date", "2014-04-18T02:39:57+02:00")).id()).isEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "registration.id | 0e110b8a72294161a589ade444bd9790",
            "date            | 2014-04-18T00:39:58Z" })
    void aChangedIdentityFieldChangesTheId(String field, String value) {
        assertThat(translate(set(sample(), field, value)).id()).isNotEqualTo(translate(sample()).id());
    }

    @ParameterizedTest
    @ValueSource(strings = { "event", "date", "offering.id" })
    void requiredFields(String field) {
        rejects(remove(sample(), field), field);
        rejects(set(sample(), field, null), field);
    }

    @Test
    void aLearnerIdOrEmailIsRequired() {
        var e = invalid(() -> translator.translate(remove(remove(sample(), "user.id"), "user.email"), RequestHeaders.NONE),
                "user.id");
        assertThat(e.getMessage()).isEqualTo("'user.id' or 'user.email' is required");
        rejects(remove(registered(), "user"), "user.id");
    }

    @Test
    void wrongTypesAndFormatsNameTheField() {
        rejects(set(sample(), "event", 1), "event");
        rejects(set(sample(), "offering.id", object()), "offering.id");
        rejects(set(sample(), "offering", "c07f"), "offering");
        rejects(set(sample(), "date", "not-a-date"), "date");
        rejects(set(sample(), "date", "2014-04-18 00:39:57"), "date");
        rejects(set(sample(), "registration.beginDate", "not-a-date"), "registration.beginDate");
        rejects(set(sample(), "registration.endDate", 1397781597), "registration.endDate");
        rejects(set(sample(), "registration.grade", "abc"), "registration.grade");
        rejects(set(sample(), "registration.passed", "maybe"), "registration.passed");
        rejects(set(sample(), "registration.id", object()), "registration.id");
        rejects(set(sample(), "source", 1), "source");
    }
}

package io.coursewire.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;

/** The schema helper itself: it accepts a canonical event and, crucially, can reject one. */
class CanonicalSchemaTest {

    private static final Instant TIME = Instant.parse("2014-02-01T00:20:05.522Z");

    private static CanonicalEvent event(String vendor) {
        CanonicalEvent.Data data = new CanonicalEvent.Data(vendor, "enrollment.completed", "20190131192005552012814",
                new Tenant("59", null),
                new Learner("56", "john@example.com", "John Doe", "John", "Doe", null, null, null),
                new Course("48", "Course"),
                new Enrollment("75", TIME, TIME, null, true),
                new Progress(100.0, true, null),
                Result.NONE,
                CompletedBy.LEARNER,
                Map.of());
        return CanonicalEvent.of(EventIds.derive(vendor, "20190131192005552012814"), EventType.COMPLETED, TIME, data);
    }

    private static ObjectNode tree(CanonicalEvent e) throws Exception {
        return (ObjectNode) CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(e));
    }

    @Test
    void acceptsACanonicalEvent() {
        CanonicalSchema.assertValid(event("thinkific"));
        assertThat(CanonicalSchema.violations(CanonicalJson.toBytes(event("thinkific")))).isEmpty();
    }

    @Test
    void rejectsATypeOutsideTheContract() throws Exception {
        ObjectNode json = tree(event("thinkific")).put("type", "course.deleted");
        assertThat(CanonicalSchema.violations(json)).singleElement().asString().contains("type");
    }

    @Test
    void rejectsATimeWithoutZ() throws Exception {
        ObjectNode json = tree(event("thinkific")).put("time", "2014-02-01T00:20:05+01:00");
        assertThat(CanonicalSchema.violations(json)).isNotEmpty();
    }

    @Test
    void rejectsANumericIdentifierAndAMissingField() throws Exception {
        ObjectNode json = tree(event("thinkific"));
        ((ObjectNode) json.get("data").get("course")).put("id", 48);
        ((ObjectNode) json.get("data").get("learner")).remove("locale");
        assertThat(CanonicalSchema.violations(json)).hasSize(2);
    }

    @Test
    void rejectsAnUnknownProperty() throws Exception {
        ObjectNode json = tree(event("thinkific")).put("subject", "x");
        assertThat(CanonicalSchema.violations(json)).isNotEmpty();
    }

    @Test
    void assertValidFailsListingTheViolations() {
        assertThatThrownBy(() -> CanonicalSchema.assertValid(event("Not A Vendor")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("source");
    }
}

package io.coursewire.inbound.vendors;

import java.time.Instant;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

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
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * DigitalChalk offering events: {@code event} names the kind; completions and registrations are
 * mapped. {@code source} says who completed the offering: the student (SELF) or an instructor (ADMIN).
 */
@Singleton
@Named("digitalchalkTranslator")
public class DigitalChalkTranslator implements VendorTranslator {

    public static final String VENDOR = "digitalchalk";
    private static final String ISO = "ISO-8601, e.g. 2014-04-18T00:39:57Z";

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        String event = f.requiredText("event");
        EventType type = switch (event) {
            case "offering_completed" -> EventType.COMPLETED;
            case "offering_registered" -> EventType.ENROLLED;
            default -> null;
        };
        if (type == null) {
            return new Translation.Ignored(VENDOR, event);
        }
        String courseId = f.requiredId("offering.id");
        Instant date = f.requiredTime("date", Times::iso, ISO);
        Fields.LearnerRef learner = f.learner("user.id", "user.email");
        String userId = learner.id();
        String email = learner.email();

        boolean completed = type == EventType.COMPLETED;
        String registrationId = f.id("registration.id");
        String first = f.text("user.firstName");
        String last = f.text("user.lastName");
        // The contract's identity (event, registration, date); without a registration id two learners
        // in the same second would collide, so the learner and offering join it.
        String id = registrationId != null
                ? EventIds.derive(VENDOR, event, registrationId, date.toString())
                : EventIds.derive(VENDOR, event, null, date.toString(), courseId, learner.key());
        CanonicalEvent.Data data = new CanonicalEvent.Data(
                VENDOR,
                event,
                null,
                Tenant.NONE,
                new Learner(userId, email, Fields.fullName(first, last), first, last,
                        f.text("user.username"), null, f.text("user.locale")),
                new Course(courseId, f.text("offering.title")),
                new Enrollment(registrationId, f.time("registration.beginDate", Times::iso, ISO),
                        f.time("registration.endDate", Times::iso, ISO), null, null),
                new Progress(completed ? 100.0 : null, completed, null),
                new Result(f.number("registration.grade"), f.bool("registration.passed")),
                completed ? completedBy(f.text("source")) : null,
                f.keep("source"));
        return new Translation.Mapped(CanonicalEvent.of(id, type, date, data));
    }

    /** SELF: the student completed it; ADMIN: an instructor did, in the gradebook; anything else: unknown. */
    private static CompletedBy completedBy(String source) {
        if ("SELF".equals(source)) {
            return CompletedBy.LEARNER;
        }
        return "ADMIN".equals(source) ? CompletedBy.ADMIN : null;
    }
}

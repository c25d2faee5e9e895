package io.coursewire.inbound.vendors;

import java.time.Instant;
import java.util.Map;

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
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * TagMango "Course Completion": every post is a completion (the payload has no event field). The
 * learner is known by email only; the phone arrives as a JSON number and is kept as its digits.
 */
@Singleton
@Named("tagmangoTranslator")
public class TagMangoTranslator implements VendorTranslator {

    public static final String VENDOR = "tagmango";
    private static final String VENDOR_EVENT = "course.completed";
    private static final String ISO_MINUTES = "ISO-8601 UTC, e.g. 2023-11-20T18:30Z";

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        String courseId = f.requiredId("courseId");
        String email = f.requiredText("email");
        Instant lastProgressOn = f.requiredTime("lastProgressOn", Times::iso, ISO_MINUTES);

        String id = EventIds.derive(VENDOR, courseId, email, lastProgressOn.toString());
        CanonicalEvent.Data data = new CanonicalEvent.Data(
                VENDOR,
                VENDOR_EVENT,
                null,
                Tenant.NONE,
                new Learner(null, email, f.text("name"), null, null, null, f.phone("phone"), null),
                new Course(courseId, f.text("course")),
                new Enrollment(null, null, lastProgressOn, null, null),
                new Progress(100.0, true, null),
                Result.NONE,
                null,
                Map.of());
        return new Translation.Mapped(CanonicalEvent.of(id, EventType.COMPLETED, lastProgressOn, data));
    }
}

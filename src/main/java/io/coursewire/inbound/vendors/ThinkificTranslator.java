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
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * Thinkific webhooks: {@code resource} and {@code action} name the kind; the enrollment lifecycle is
 * mapped. Thinkific gives every webhook its own {@code id}, kept on retries, so that id alone is the
 * identity. The percent arrives as a numeric string ({@code "24.0"}).
 */
@Singleton
@Named("thinkificTranslator")
public class ThinkificTranslator implements VendorTranslator {

    public static final String VENDOR = "thinkific";
    public static final String SUBDOMAIN_HEADER = "X-Thinkific-Subdomain";
    private static final String ISO = "ISO-8601, e.g. 2014-02-01T00:20:05.522Z";

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        String resource = f.requiredText("resource");
        String action = f.requiredText("action");
        String vendorEvent = resource + "." + action;
        EventType type = "enrollment".equals(resource) ? switch (action) {
            case "created" -> EventType.ENROLLED;
            case "progress" -> EventType.PROGRESSED;
            case "completed" -> EventType.COMPLETED;
            default -> null;
        } : null;
        if (type == null) {
            return new Translation.Ignored(VENDOR, vendorEvent);
        }
        // The id is the whole identity: without it every event would look like a retry of the first.
        String vendorEventId = f.requiredId("id");
        String courseId = f.has("payload.course.id") ? f.id("payload.course.id") : f.id("payload.course_id");
        if (courseId == null) {
            throw InvalidPayloadException.missingEither("payload.course.id", "payload.course_id");
        }
        Instant createdAt = f.requiredTime("created_at", Times::iso, ISO);
        Fields.LearnerRef learner = f.learner("payload.user.id", "payload.user.email");
        String userId = learner.id();
        String email = learner.email();

        Double percent = f.percent("payload.percentage_completed");
        boolean completed = type == EventType.COMPLETED || (percent != null && percent >= 100.0);
        String first = f.text("payload.user.first_name");
        String last = f.text("payload.user.last_name");
        CanonicalEvent.Data data = new CanonicalEvent.Data(
                VENDOR,
                vendorEvent,
                vendorEventId,
                new Tenant(f.id("tenant_id"), headers.get(SUBDOMAIN_HEADER)),
                new Learner(userId, email, Fields.fullName(first, last), first, last, null, null, null),
                new Course(courseId, f.text("payload.course.name")),
                new Enrollment(f.id("payload.id"),
                        f.time("payload.started_at", Times::iso, ISO),
                        f.time("payload.completed_at", Times::iso, ISO),
                        f.time("payload.expiry_date", Times::iso, ISO),
                        f.time("payload.activated_at", Times::iso, ISO) != null),
                new Progress(percent, completed, null),
                Result.NONE,
                null,
                f.keep("payload.free_trial"));
        return new Translation.Mapped(CanonicalEvent.of(EventIds.derive(VENDOR, vendorEventId), type, createdAt, data));
    }
}

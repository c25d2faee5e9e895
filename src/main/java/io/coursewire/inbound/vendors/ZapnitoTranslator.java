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
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * Zapnito "Course Participation Updated" REST Hook: one payload kind whose percent decides the
 * canonical type, completed once it reaches the course's threshold (100 when Zapnito sends none).
 * The community is known only by the {@code X-Zapnito-Hostname} header.
 */
@Singleton
@Named("zapnitoTranslator")
public class ZapnitoTranslator implements VendorTranslator {

    public static final String VENDOR = "zapnito";
    public static final String HOST_HEADER = "X-Zapnito-Hostname";
    private static final String VENDOR_EVENT = "course_participation_updated";
    private static final double DEFAULT_THRESHOLD = 100.0;
    private static final String RAILS_OR_ISO = "e.g. Wed, 13 Apr 2022 22:01:28 UTC +00:00, or ISO-8601";

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        // The kind first: percent and threshold decide it.
        Double percent = f.percent("completion_percent");
        if (percent == null) {
            throw InvalidPayloadException.missing("completion_percent");
        }
        Double threshold = f.percent("course_completion_threshold");
        boolean completed = percent >= (threshold == null ? DEFAULT_THRESHOLD : threshold);

        String courseId = f.requiredId("course_id");
        Instant updatedAt = f.requiredTime("updated_at", Times::rails, RAILS_OR_ISO);
        Fields.LearnerRef learner = f.learner("user_id", "user_email");
        String userId = learner.id();
        String email = learner.email();

        String host = headers.get(HOST_HEADER);
        // A learner known only by email is still one learner: the email stands in for the id.
        String user = learner.key();
        String id = EventIds.derive(VENDOR, host, courseId, user, percent.toString(), updatedAt.toString());
        CanonicalEvent.Data data = new CanonicalEvent.Data(
                VENDOR,
                VENDOR_EVENT,
                null,
                new Tenant(null, host),
                new Learner(userId, email, f.text("user_name"), null, null, null, null, null),
                new Course(courseId, f.text("course_title")),
                Enrollment.NONE,
                new Progress(percent, completed, threshold),
                Result.NONE,
                null,
                Map.of());
        EventType type = completed ? EventType.COMPLETED : EventType.PROGRESSED;
        return new Translation.Mapped(CanonicalEvent.of(id, type, updatedAt, data));
    }
}

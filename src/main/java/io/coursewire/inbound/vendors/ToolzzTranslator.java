package io.coursewire.inbound.vendors;

import java.time.Instant;
import java.time.ZoneId;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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
 * Toolzz webhooks: {@code event.slug} names the kind and only course completion is mapped. Toolzz
 * sends zoneless local times, so they are read in the configured zone (the institution's, by default
 * São Paulo's).
 */
@Singleton
@Named("toolzzTranslator")
public class ToolzzTranslator implements VendorTranslator {

    public static final String VENDOR = "toolzz";
    public static final String COURSE_COMPLETED = "activities.course.completed";
    private static final String LOCAL_TIME = "yyyy-MM-dd HH:mm:ss";
    private static final String DATE = "yyyy-MM-dd";

    private final ZoneId zone;

    @Inject
    public ToolzzTranslator(
            @ConfigProperty(name = "coursewire.sources.toolzz.zone", defaultValue = "America/Sao_Paulo") ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        String slug = f.requiredText("event.slug");
        if (!COURSE_COMPLETED.equals(slug)) {
            return new Translation.Ignored(VENDOR, slug);
        }
        String courseId = f.requiredId("data.course.id");
        Instant sendAt = f.requiredTime("event.send_at", text -> Times.local(text, zone), LOCAL_TIME);
        Fields.LearnerRef learner = f.learner("data.user.id", "data.user.email");
        String userId = learner.id();
        String email = learner.email();

        String institution = f.id("data.institution.id");
        String enrollmentId = f.id("data.enrollment.id");
        Instant expiresAt = f.time("data.enrollment.date_expire", text -> Times.startOfDay(text, zone), DATE);
        Double status = f.number("data.enrollment.status");
        Boolean active = status == null ? null : status == 1.0;

        // The contract's identity (institution, enrollment, slug, send_at); without an enrollment id
        // two learners finishing in the same second would collide, so the learner and course join it.
        String id = enrollmentId != null
                ? EventIds.derive(VENDOR, institution, enrollmentId, slug, sendAt.toString())
                : EventIds.derive(VENDOR, institution, null, slug, sendAt.toString(), courseId, learner.key());
        CanonicalEvent.Data data = new CanonicalEvent.Data(
                VENDOR,
                slug,
                null,
                new Tenant(institution, null),
                new Learner(userId, email, f.text("data.user.name"), null, null, null, null, null),
                new Course(courseId, f.text("data.course.name")),
                new Enrollment(enrollmentId, null, null, expiresAt, active),
                new Progress(100.0, true, null),
                Result.NONE,
                null,
                f.keep("data.user.cpf", "data.user.nickname", "data.user.uuid", "data.enrollment.actived"));
        return new Translation.Mapped(CanonicalEvent.of(id, EventType.COMPLETED, sendAt, data));
    }
}

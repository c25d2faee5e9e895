package io.coursewire.extension;

import java.time.Instant;
import java.util.Map;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * A sixth vendor, written the way the README's "Adding a vendor" says: this class and
 * src/test/resources/extra-routes/acmelms.yaml, and nothing in the main code changed.
 */
@Singleton
@Named("acmelmsTranslator")
public class AcmeLmsTranslator implements VendorTranslator {

    @Override
    public String vendor() {
        return "acmelms";
    }

    @Override
    public Translation translate(JsonNode payload, RequestHeaders headers) {
        Fields f = Fields.of(payload);
        String course = f.requiredId("course");
        String learner = f.requiredText("learner");
        Instant at = f.requiredTime("finished_at", Times::iso, "ISO-8601");
        CanonicalEvent.Data data = new CanonicalEvent.Data("acmelms", "finished", null, CanonicalEvent.Tenant.NONE,
                new CanonicalEvent.Learner(null, learner, null, null, null, null, null, null),
                new CanonicalEvent.Course(course, null), CanonicalEvent.Enrollment.NONE,
                new CanonicalEvent.Progress(100.0, true, null), CanonicalEvent.Result.NONE, null, Map.of());
        return new Translation.Mapped(CanonicalEvent.of(EventIds.derive("acmelms", course, learner, at.toString()),
                EventType.COMPLETED, at, data));
    }
}

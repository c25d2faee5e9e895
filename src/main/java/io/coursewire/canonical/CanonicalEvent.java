package io.coursewire.canonical;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Canonical Data Model: one CloudEvents 1.0 structured-mode event per vendor event (PRODUCT.md §3).
 * Identifiers are strings, times are UTC instants, and absent values are null, never invented.
 */
@JsonPropertyOrder({ "specversion", "id", "source", "type", "time", "datacontenttype", "data" })
public record CanonicalEvent(
        String specversion,
        String id,
        String source,
        EventType type,
        Instant time,
        String datacontenttype,
        Data data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    /** Builds the envelope around {@code data}; the id is derived from the vendor event's identity. */
    public static CanonicalEvent of(String id, EventType type, Instant time, Data data) {
        return new CanonicalEvent(SPEC_VERSION, id, "/sources/" + data.vendor(), type, time, CONTENT_TYPE, data);
    }

    public String vendor() {
        return data.vendor();
    }

    @JsonPropertyOrder({ "vendor", "vendorEvent", "vendorEventId", "tenant", "learner", "course", "enrollment",
            "progress", "result", "completedBy", "extensions" })
    public record Data(
            String vendor,
            String vendorEvent,
            String vendorEventId,
            Tenant tenant,
            Learner learner,
            Course course,
            Enrollment enrollment,
            Progress progress,
            Result result,
            CompletedBy completedBy,
            Map<String, JsonNode> extensions) {
    }

    public record Tenant(String id, String host) {
        public static final Tenant NONE = new Tenant(null, null);
    }

    @JsonPropertyOrder({ "id", "email", "name", "firstName", "lastName", "username", "phone", "locale" })
    public record Learner(String id, String email, String name, String firstName, String lastName,
            String username, String phone, String locale) {
    }

    public record Course(String id, String title) {
    }

    @JsonPropertyOrder({ "id", "startedAt", "completedAt", "expiresAt", "active" })
    public record Enrollment(String id, Instant startedAt, Instant completedAt, Instant expiresAt, Boolean active) {
        public static final Enrollment NONE = new Enrollment(null, null, null, null, null);
    }

    @JsonPropertyOrder({ "percent", "completed", "threshold" })
    public record Progress(Double percent, boolean completed, Double threshold) {
    }

    public record Result(Double score, Boolean passed) {
        public static final Result NONE = new Result(null, null);
    }
}

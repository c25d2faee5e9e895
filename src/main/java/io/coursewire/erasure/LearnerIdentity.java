package io.coursewire.erasure;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.LearnerKeys;

/**
 * Whom an erasure is for: a learner known by email (trimmed, lower case, as {@link LearnerKeys} keys
 * it), or by a vendor and the learner's id there. The key finds candidates; {@link #matches} decides,
 * from the stored event itself, so that a key shared by chance never erases another learner's data.
 */
public record LearnerIdentity(Kind kind, String email, String vendor, String learnerId) {

    public enum Kind {
        EMAIL, LEARNER;

        /** As the audit table stores it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static LearnerIdentity byEmail(String email) {
        return new LearnerIdentity(Kind.EMAIL, email.trim().toLowerCase(Locale.ROOT), null, null);
    }

    public static LearnerIdentity byLearner(String vendor, String learnerId) {
        return new LearnerIdentity(Kind.LEARNER, null, vendor, learnerId);
    }

    /** 64 bits of SHA-256 over the identifier: what the event-log, dead-letter and message keys hold. */
    public long key() {
        return kind == Kind.EMAIL ? LearnerKeys.ofEmail(email) : LearnerKeys.ofLearner(vendor, learnerId);
    }

    /** The audit record's one-way hash: the whole SHA-256 of the identifier, hex. */
    public String auditHash() {
        return LearnerKeys.auditHash(kind == Kind.EMAIL ? LearnerKeys.emailIdentity(email) : LearnerKeys.learnerIdentity(vendor, learnerId));
    }

    /** True when the canonical event is this learner's: its email, or its vendor and learner id, are these. */
    public boolean matches(JsonNode event) {
        JsonNode data = event.path("data");
        JsonNode learner = data.path("learner");
        if (kind == Kind.EMAIL) {
            String stored = learner.path("email").asText(null);
            return stored != null && email.equals(stored.trim().toLowerCase(Locale.ROOT));
        }
        return vendor.equals(data.path("vendor").asText(null)) && learnerId.equals(learner.path("id").asText(null));
    }

    /** The message property an event waiting on the events channel carries this learner's key in. */
    public String messageProperty() {
        return kind == Kind.EMAIL ? io.coursewire.channel.RoutedEvent.EMAIL_KEY : io.coursewire.channel.RoutedEvent.LEARNER_KEY;
    }

    /** Never the identifier itself: a record's text may end up in a log. */
    @Override
    public String toString() {
        return kind.label() + " " + auditHash().substring(0, 12) + "…";
    }
}

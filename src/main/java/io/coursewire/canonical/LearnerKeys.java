package io.coursewire.canonical;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an erasure (PRODUCT.md §10) finds a learner's records by, without the store holding the
 * identifier in a column: 64 bits of SHA-256 over the learner's email (trimmed, lower case), and over
 * the vendor with the learner's id at that vendor. Each is null when the event has no such identifier.
 * A key narrows the search to a handful of rows; the erasure then checks each row's own event, so a
 * collision can never erase another learner's data.
 *
 * <p>The audit record of an erasure keeps {@link #auditHash} of the identifier: the whole SHA-256, hex.
 */
public record LearnerKeys(Long email, Long learner) {

    public static final LearnerKeys NONE = new LearnerKeys(null, null);

    private static final MessageDigest SHA256_PROTOTYPE;

    static {
        try {
            SHA256_PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static LearnerKeys of(CanonicalEvent event) {
        CanonicalEvent.Learner learner = event.data().learner();
        return learner == null ? NONE : of(event.vendor(), learner.id(), learner.email());
    }

    /** From a stored canonical event's JSON ({@code data.vendor}, {@code data.learner.id}, {@code data.learner.email}). */
    public static LearnerKeys of(JsonNode event) {
        JsonNode data = event.path("data");
        JsonNode learner = data.path("learner");
        return of(data.path("vendor").asText(null), learner.path("id").asText(null), learner.path("email").asText(null));
    }

    static LearnerKeys of(String vendor, String learnerId, String email) {
        Long byEmail = email == null || email.isBlank() ? null : key(emailIdentity(email));
        Long byId = vendor == null || learnerId == null || learnerId.isEmpty() ? null : key(learnerIdentity(vendor, learnerId));
        return byEmail == null && byId == null ? NONE : new LearnerKeys(byEmail, byId);
    }

    /** The key an erasure by email looks for. */
    public static long ofEmail(String email) {
        return key(emailIdentity(email));
    }

    /** The key an erasure by vendor and learner id looks for. */
    public static long ofLearner(String vendor, String learnerId) {
        return key(learnerIdentity(vendor, learnerId));
    }

    /** The audit record's one-way hash of an identifier: SHA-256, hex, of the same text the key is made from. */
    public static String auditHash(String identity) {
        return HexFormat.of().formatHex(digest(identity));
    }

    public static String emailIdentity(String email) {
        return "email\u001f" + email.trim().toLowerCase(Locale.ROOT);
    }

    public static String learnerIdentity(String vendor, String learnerId) {
        return "learner\u001f" + vendor + "\u001f" + learnerId;
    }

    private static long key(String identity) {
        byte[] digest = digest(identity);
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = key << 8 | (digest[i] & 0xff);
        }
        return key;
    }

    private static byte[] digest(String identity) {
        try {
            return ((MessageDigest) SHA256_PROTOTYPE.clone()).digest(identity.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}

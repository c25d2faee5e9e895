package io.coursewire.canonical;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic event ids (§3): the same vendor event, retried, always maps to the same id, so the
 * Idempotent Receiver can recognise the retry. The id is a hash of the vendor and the fields that
 * identify the vendor event, so no personal data shows through it.
 */
public final class EventIds {

    private static final MessageDigest SHA256_PROTOTYPE;
    private static final HexFormat HEX = HexFormat.of();

    static {
        try {
            SHA256_PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EventIds() {
    }

    /**
     * {@code evt_} followed by 32 hex digits (128 bits) of SHA-256 over the vendor and the identity
     * parts; null parts are distinct from empty strings.
     */
    public static String derive(String vendor, String... identity) {
        MessageDigest sha = newDigest();
        sha.update(vendor.getBytes(StandardCharsets.UTF_8));
        for (String part : identity) {
            sha.update((byte) 0x1f); // unit separator: ("ab","c") and ("a","bc") differ
            if (part == null) {
                sha.update((byte) 0x00);
            } else {
                sha.update((byte) 0x01);
                sha.update(part.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] digest = sha.digest();
        return "evt_" + HEX.formatHex(digest, 0, 16);
    }

    private static MessageDigest newDigest() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}

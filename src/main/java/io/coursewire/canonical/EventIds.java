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
    private static final String PREFIX = "evt_";
    private static final int HEX_DIGITS = 32;

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
        return PREFIX + HEX.formatHex(digest, 0, HEX_DIGITS / 2);
    }

    /** 128 bits, for sets of ids that hold two longs per id instead of a String. */
    public record Bits(long hi, long lo) {
    }

    /**
     * The 128 bits an id stands for: exactly those of the digest for an id {@link #derive} made, the
     * first 128 bits of the string's SHA-256 for anything else (upper-case hex included, so distinct
     * strings stay distinct).
     */
    public static Bits bits(String id) {
        if (id.length() == PREFIX.length() + HEX_DIGITS && id.startsWith(PREFIX) && isLowerHex(id, PREFIX.length())) {
            int start = PREFIX.length();
            return new Bits(Long.parseUnsignedLong(id, start, start + 16, 16),
                    Long.parseUnsignedLong(id, start + 16, start + HEX_DIGITS, 16));
        }
        MessageDigest sha = newDigest();
        byte[] digest = sha.digest(id.getBytes(StandardCharsets.UTF_8));
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (digest[i] & 0xff);
            lo = lo << 8 | (digest[8 + i] & 0xff);
        }
        return new Bits(hi, lo);
    }

    private static boolean isLowerHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest newDigest() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}

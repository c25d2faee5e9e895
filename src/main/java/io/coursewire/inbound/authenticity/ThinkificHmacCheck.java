package io.coursewire.inbound.authenticity;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.coursewire.inbound.RequestHead;
import io.coursewire.problem.ProblemException;

/**
 * Thinkific signs the raw body: {@code X-Thinkific-Hmac-Sha256} is the hex HMAC-SHA256 of the body
 * keyed by the app's secret. The header must be there and be 64 hex digits before the body is read;
 * the MAC is then computed over the bytes received, before any parsing.
 */
@Singleton
@Named("thinkificHmacCheck")
public class ThinkificHmacCheck extends AuthenticityCheck {

    public static final String HEADER = "X-Thinkific-Hmac-Sha256";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int HEX_DIGITS = 64;

    /** Keyed prototypes per vendor; cloning one is much cheaper than Mac.getInstance + init per request. */
    private final Map<String, Mac> prototypes = new ConcurrentHashMap<>();

    @Inject
    public ThinkificHmacCheck(VendorSources sources) {
        super(sources);
    }

    @Override
    protected void verifyHead(RequestHead head, byte[] secret) {
        signature(head);
    }

    @Override
    protected void verifyBody(String vendor, byte[] secret, RequestHead head, byte[] body) {
        byte[] expected = hmac(vendor, secret).doFinal(body);
        if (!constantTimeEquals(expected, signature(head))) {
            throw ProblemException.unauthenticated("the signature does not match the body", "HMAC-SHA256");
        }
    }

    /** The header's 32 bytes; 401 when it is missing or not 64 hex digits. */
    private static byte[] signature(RequestHead head) {
        String signature = head.header(HEADER);
        if (signature == null || signature.isBlank()) {
            throw ProblemException.unauthenticated("header '" + HEADER + "' is required", "HMAC-SHA256");
        }
        String hex = signature.trim();
        if (hex.length() != HEX_DIGITS) {
            throw ProblemException.unauthenticated("header '" + HEADER + "' must be 64 hex digits (HMAC-SHA256)", "HMAC-SHA256");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw ProblemException.unauthenticated("header '" + HEADER + "' must be 64 hex digits (HMAC-SHA256)", "HMAC-SHA256");
        }
    }

    private Mac hmac(String vendor, byte[] secret) {
        Mac prototype = prototypes.computeIfAbsent(vendor, v -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(secret, ALGORITHM));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}

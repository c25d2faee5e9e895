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

import org.apache.camel.Exchange;

import io.coursewire.inbound.InboundRequest;
import io.coursewire.problem.ProblemException;

/**
 * Thinkific signs the raw body: {@code X-Thinkific-Hmac-Sha256} is the hex HMAC-SHA256 of the body
 * keyed by the app's secret. The MAC is computed over the bytes received, before any parsing.
 */
@Singleton
@Named("thinkificHmacCheck")
public class ThinkificHmacCheck extends AuthenticityCheck {

    public static final String HEADER = "X-Thinkific-Hmac-Sha256";
    private static final String ALGORITHM = "HmacSHA256";

    /** Keyed prototypes per secret; cloning one is much cheaper than Mac.getInstance + init per request. */
    private final Map<String, Mac> prototypes = new ConcurrentHashMap<>();

    @Inject
    public ThinkificHmacCheck(VendorSources sources) {
        super(sources);
    }

    @Override
    protected void verify(Exchange exchange, byte[] secret) {
        String signature = exchange.getMessage().getHeader(HEADER, String.class);
        if (signature == null || signature.isBlank()) {
            throw ProblemException.unauthenticated("header '" + HEADER + "' is required", "HMAC-SHA256");
        }
        byte[] provided;
        try {
            provided = HexFormat.of().parseHex(signature.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.unauthenticated("header '" + HEADER + "' is not a hex HMAC-SHA256", "HMAC-SHA256");
        }
        byte[] expected = hmac(exchange.getProperty(InboundRequest.VENDOR, String.class), secret)
                .doFinal(InboundRequest.rawBody(exchange));
        if (!constantTimeEquals(expected, provided)) {
            throw ProblemException.unauthenticated("the signature does not match the body", "HMAC-SHA256");
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

package io.coursewire.inbound.authenticity;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.coursewire.inbound.RequestHead;
import io.coursewire.problem.ProblemException;

/**
 * Zapnito sends the {@code authorization_token} registered with the subscription as
 * {@code Authorization: Token token=<secret>} (quotes around the value are tolerated). Only from
 * that header: a token in the query string would land in access logs, so it is not looked at.
 */
@Singleton
@Named("zapnitoTokenCheck")
public class ZapnitoTokenCheck extends AuthenticityCheck {

    private static final String CHALLENGE = "Token realm=\"coursewire\"";

    @Inject
    public ZapnitoTokenCheck(VendorSources sources) {
        super(sources);
    }

    @Override
    protected void verifyHead(RequestHead head, byte[] secret) {
        String token = tokenOf(head.header("Authorization"));
        if (token == null) {
            throw ProblemException.unauthenticated("header 'Authorization: Token token=...' is required", CHALLENGE);
        }
        if (!constantTimeEquals(secret, token.getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.unauthenticated("the token is not valid for this source", CHALLENGE);
        }
    }

    /** The value of {@code token=} in a {@code Token} authorization header, or null. */
    static String tokenOf(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.length() < 6 || !a.regionMatches(true, 0, "Token ", 0, 6)) {
            return null;
        }
        String params = a.substring(6).trim();
        if (!params.regionMatches(true, 0, "token=", 0, 6)) {
            return null;
        }
        String value = params.substring(6).trim();
        int comma = value.indexOf(',');
        if (comma >= 0) {
            value = value.substring(0, comma).trim();
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
    }
}

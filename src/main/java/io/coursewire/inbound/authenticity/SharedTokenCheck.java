package io.coursewire.inbound.authenticity;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.coursewire.inbound.RequestHead;
import io.coursewire.problem.ProblemException;

/** A shared token in the query ({@code ?token=}) or in the {@code X-Webhook-Token} header (Toolzz, DigitalChalk, TagMango). */
@Singleton
@Named("sharedTokenCheck")
public class SharedTokenCheck extends AuthenticityCheck {

    public static final String HEADER = "X-Webhook-Token";
    public static final String QUERY = "token";

    @Inject
    public SharedTokenCheck(VendorSources sources) {
        super(sources);
    }

    @Override
    protected void verifyHead(RequestHead head, byte[] secret) {
        // The header wins when both are sent.
        String token = head.header(HEADER);
        if (token == null) {
            token = head.query(QUERY);
        }
        if (token == null || token.isEmpty()) {
            throw ProblemException.unauthenticated("a token is required: query parameter 'token' or header '" + HEADER + "'", "Token");
        }
        if (!constantTimeEquals(secret, token.getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.unauthenticated("the token is not valid for this source", "Token");
        }
    }
}

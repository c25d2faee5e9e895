package io.coursewire.problem;

import java.util.Map;

/**
 * A refusal that maps to one HTTP status and a problem+json body. Carries no stack trace: these are
 * answers to bad input or back-pressure, not faults.
 */
public class ProblemException extends RuntimeException {

    private final String slug;
    private final String title;
    private final int status;
    private final Map<String, String> responseHeaders;

    public ProblemException(int status, String slug, String title, String detail, Map<String, String> responseHeaders) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.responseHeaders = responseHeaders;
    }

    public static ProblemException unauthenticated(String detail, String challenge) {
        return new ProblemException(401, "unauthenticated", "Unauthorized", detail, Map.of("WWW-Authenticate", challenge));
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported Media Type", detail, Map.of());
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "unavailable", "Service Unavailable", detail,
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public Problem toProblem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance, null);
    }

    public int status() {
        return status;
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }
}

package io.coursewire.inbound;

/**
 * A vendor payload that cannot be translated: not JSON, a required field missing, or a value of the
 * wrong type or format. Answered 400 with a problem+json body whose detail names {@link #field()}.
 * The message never quotes the offending value: it may be personal data.
 */
public class InvalidPayloadException extends RuntimeException {

    private final String field;

    public InvalidPayloadException(String field, String detail) {
        super(detail, null, false, false); // no stack trace: this is bad input, not a fault
        this.field = field;
    }

    /** The dotted path of the offending field, or null when the body as a whole is at fault. */
    public String field() {
        return field;
    }

    public static InvalidPayloadException missing(String field) {
        return new InvalidPayloadException(field, "'" + field + "' is required");
    }

    /** Neither of two alternatives is present (e.g. a learner known by id or email); names the first. */
    public static InvalidPayloadException missingEither(String field, String alternative) {
        return new InvalidPayloadException(field, "'" + field + "' or '" + alternative + "' is required");
    }

    public static InvalidPayloadException invalid(String field, String expected) {
        return new InvalidPayloadException(field, "'" + field + "' must be " + expected);
    }
}

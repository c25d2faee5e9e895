package io.coursewire.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}). {@code field} is an extension
 * member naming the offending payload field, when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "tag:coursewire.io,2026:problem:";

    /** A problem whose type is one of Coursewire's, e.g. {@code invalid-payload}. */
    public static Problem of(String slug, String title, int status, String detail, String instance, String field) {
        return new Problem(TYPE_BASE + slug, title, status, detail, instance, field);
    }
}

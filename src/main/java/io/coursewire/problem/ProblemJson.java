package io.coursewire.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.coursewire.canonical.CanonicalJson;

/** Writes problem bodies; shared by the Camel routes and the plain Vert.x handlers. */
public final class ProblemJson {

    private static final ObjectWriter WRITER = CanonicalJson.MAPPER.writerFor(Problem.class);

    private ProblemJson() {
    }

    public static String toString(Problem problem) {
        try {
            return WRITER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

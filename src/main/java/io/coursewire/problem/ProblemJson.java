package io.coursewire.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/** Writes problem bodies; shared by the Camel routes and the plain Vert.x handlers. */
public final class ProblemJson {

    private static final ObjectWriter WRITER = new ObjectMapper().writerFor(Problem.class);

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

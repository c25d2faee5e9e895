package io.coursewire.routing;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The fields of a canonical event that routing decides on, read from the message once. */
public record RoutedEvent(String id, String vendor, String type, Instant time, String courseId, byte[] json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RoutedEvent parse(byte[] json) {
        try {
            JsonNode e = JSON.readTree(json);
            JsonNode data = e.path("data");
            return new RoutedEvent(
                    e.path("id").asText(),
                    data.path("vendor").asText(),
                    e.path("type").asText(),
                    Instant.parse(e.path("time").asText()),
                    data.path("course").path("id").asText(null),
                    json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a canonical event", e);
        }
    }
}

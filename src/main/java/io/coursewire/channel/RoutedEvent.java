package io.coursewire.channel;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.LearnerKeys;

/**
 * The fields of a canonical event that routing decides on. Ingest already has them, so they travel
 * with the event as message properties ({@link #headersOf}) and the router reads them back without
 * parsing the JSON ({@link #fromHeaders}); a message without them (written by an older version) is parsed.
 */
public record RoutedEvent(String id, String vendor, String type, Instant time, String courseId, LearnerKeys learner, byte[] json) {


    static final String ID = "eventId";
    static final String VENDOR = "vendor";
    static final String TYPE = "type";
    /** Microseconds since the epoch: exact for every time a vendor sends, and no text to parse. */
    static final String TIME_MICROS = "timeMicros";
    static final String COURSE_ID = "courseId";
    /** The learner's keys ({@link LearnerKeys}): an erasure finds the event by them while it waits on the channel. */
    public static final String EMAIL_KEY = "emailKey";
    public static final String LEARNER_KEY = "learnerKey";

    /** The message properties that carry an event's routing fields. */
    public static Map<String, Object> headersOf(CanonicalEvent event) {
        Map<String, Object> headers = new HashMap<>(16);
        headers.put(ID, event.id());
        headers.put(VENDOR, event.vendor());
        headers.put(TYPE, event.type().value());
        headers.put(TIME_MICROS, event.time().getEpochSecond() * 1_000_000 + event.time().getNano() / 1_000);
        if (event.data().course() != null && event.data().course().id() != null) {
            headers.put(COURSE_ID, event.data().course().id());
        }
        LearnerKeys keys = LearnerKeys.of(event);
        if (keys.email() != null) {
            headers.put(EMAIL_KEY, keys.email());
        }
        if (keys.learner() != null) {
            headers.put(LEARNER_KEY, keys.learner());
        }
        return headers;
    }

    /** Reads the routing fields from the message properties, or from the JSON when they are absent. */
    public static RoutedEvent fromHeaders(Map<String, Object> headers, byte[] json) {
        if (headers.get(ID) instanceof String id && headers.get(VENDOR) instanceof String vendor
                && headers.get(TYPE) instanceof String type && headers.get(TIME_MICROS) instanceof Number micros) {
            long m = micros.longValue();
            Object course = headers.get(COURSE_ID);
            Long email = headers.get(EMAIL_KEY) instanceof Number n ? n.longValue() : null;
            Long learner = headers.get(LEARNER_KEY) instanceof Number n ? n.longValue() : null;
            return new RoutedEvent(id, vendor, type, Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000), Math.floorMod(m, 1_000_000) * 1_000L),
                    course == null ? null : course.toString(), email == null && learner == null ? LearnerKeys.NONE : new LearnerKeys(email, learner),
                    json);
        }
        return parse(json);
    }

    public static RoutedEvent parse(byte[] json) {
        try {
            JsonNode e = CanonicalJson.MAPPER.readTree(json);
            JsonNode data = e.path("data");
            return new RoutedEvent(
                    e.path("id").asText(),
                    data.path("vendor").asText(),
                    e.path("type").asText(),
                    Instant.parse(e.path("time").asText()),
                    data.path("course").path("id").asText(null),
                    LearnerKeys.of(e),
                    json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a canonical event", e);
        }
    }
}

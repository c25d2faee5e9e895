package io.coursewire.canonical;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The one JSON form of the canonical event: every field present (absent values as null), times as
 * RFC 3339 UTC with {@code Z}. Shared, thread-safe, configured once.
 */
public final class CanonicalJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .registerModule(new SimpleModule("coursewire-canonical").addSerializer(Instant.class, new InstantSerializer()));

    private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(CanonicalEvent.class);

    private CanonicalJson() {
    }

    public static byte[] toBytes(CanonicalEvent event) {
        try {
            return EVENT_WRITER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("canonical event could not be written as JSON", e);
        }
    }

    /** {@link Instant#toString()} is ISO_INSTANT: UTC, {@code Z}, fraction only when non-zero. */
    private static final class InstantSerializer extends StdSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }
}

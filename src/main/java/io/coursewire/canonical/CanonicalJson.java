package io.coursewire.canonical;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The one JSON form of the canonical event: every field present (absent values as null), times as
 * RFC 3339 UTC with {@code Z}. Shared, thread-safe, configured once.
 *
 * <p>Translators only build events the schema accepts ({@link io.coursewire.inbound.Fields} refuses the
 * rest as 400s); should one ever hold a time RFC 3339 cannot write or a non-finite number, writing fails
 * rather than emitting {@code +12023-…} or Jackson's default {@code "Infinity"} string to the targets.
 */
public final class CanonicalJson {

    /** JSON nesting the service reads at most (vendor payloads nest three or four levels). */
    public static final int MAX_NESTING_DEPTH = 32;
    /** The longest number, in characters, the service reads. */
    public static final int MAX_NUMBER_LENGTH = 64;
    /** The longest string value the service reads (a vendor body is at most 1 MB in all). */
    public static final int MAX_STRING_LENGTH = 256 * 1024;

    /**
     * The service's one JSON mapper (the YAML of {@code targets.yaml} has its own): made once,
     * thread-safe. Every read, a vendor's body first of all, is held to limits that keep a hostile
     * document cheap to refuse: nesting depth, number and string lengths, and duplicate keys.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .registerModule(new SimpleModule("coursewire-canonical")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addSerializer(Double.class, new FiniteDoubleSerializer()));

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

    /** {@link Times#rfc3339}: UTC, {@code Z}, four year digits, fraction only when non-zero. */
    private static final class InstantSerializer extends StdSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!Times.isRfc3339(value)) {
                throw JsonMappingException.from(gen, "a time outside the years 0001-9999 has no RFC 3339 form");
            }
            gen.writeString(Times.rfc3339(value));
        }
    }

    /** JSON has no Infinity or NaN: Jackson would write them as strings, which the schema rejects. */
    private static final class FiniteDoubleSerializer extends StdSerializer<Double> {
        FiniteDoubleSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!Double.isFinite(value)) {
                throw JsonMappingException.from(gen, "a number that is not finite has no JSON form");
            }
            gen.writeNumber(value);
        }
    }
}

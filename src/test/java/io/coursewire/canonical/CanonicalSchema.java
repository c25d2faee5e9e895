package io.coursewire.canonical;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The project's own canonical-event schema ({@code /schema/canonical-event.schema.json}), loaded once
 * from the classpath. Translator tests pass every mapped event through {@link #assertValid}, so the
 * serialized form, not only the records, is held to the contract.
 */
public final class CanonicalSchema {

    private static final String LOCATION = "classpath:schema/canonical-event.schema.json";

    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SchemaLocation.of(LOCATION), SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    .build());

    private CanonicalSchema() {
    }

    /** The schema's complaints about {@code json}, as readable messages; empty when it is valid. */
    public static List<String> violations(JsonNode json) {
        return SCHEMA.validate(json).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    public static List<String> violations(byte[] json) {
        try {
            return violations(CanonicalJson.MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails listing every violation when {@code json} (e.g. a file the router wrote) is not a valid canonical event. */
    public static void assertValid(JsonNode json) {
        List<String> problems = violations(json);
        if (!problems.isEmpty()) {
            throw new AssertionError("not a valid canonical event: " + problems + "\n" + json);
        }
    }

    /** Serializes {@code event} exactly as it is delivered and fails listing every schema violation. */
    public static void assertValid(CanonicalEvent event) {
        List<String> violations = violations(CanonicalJson.toBytes(event));
        if (!violations.isEmpty()) {
            fail("canonical event violates " + LOCATION + ":\n  " + String.join("\n  ", violations));
        }
    }
}

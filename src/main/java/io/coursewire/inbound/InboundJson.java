package io.coursewire.inbound;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Parses vendor bodies with limits that keep a hostile body cheap to refuse: nesting depth, string
 * and number lengths, duplicate keys and trailing content are all rejected as 400s.
 */
public final class InboundJson {

    /** Vendor payloads nest three or four levels; anything past this is refused, not recursed into. */
    public static final int MAX_NESTING_DEPTH = 32;

    /** The longest number a body may spell, in characters; numbers sent as text are held to the same. */
    public static final int MAX_NUMBER_LENGTH = 64;

    private static final ObjectReader READER;

    static {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(256 * 1024)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        READER = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readerFor(JsonNode.class);
    }

    private InboundJson() {
    }

    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidPayloadException(null, "the body is empty; a JSON object is required");
        }
        try {
            JsonNode node = READER.readValue(body);
            if (node == null || node.isMissingNode()) {
                throw new InvalidPayloadException(null, "the body is empty; a JSON object is required");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException(null, "the body exceeds the JSON limits (nesting depth "
                    + MAX_NESTING_DEPTH + ", number and string lengths)");
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw new InvalidPayloadException(null, "the body is not valid JSON (" + location(e) + ")");
        } catch (IOException e) {
            throw new InvalidPayloadException(null, "the body is not valid JSON");
        }
    }

    /** Line and column only: the parser's own message may quote the body, which may be personal data. */
    private static String location(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e.getLocation() == null) {
            return "unreadable";
        }
        return "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}

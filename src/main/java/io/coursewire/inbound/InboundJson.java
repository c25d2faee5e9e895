package io.coursewire.inbound;

import java.io.IOException;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import io.coursewire.canonical.CanonicalJson;

/**
 * Parses vendor bodies with limits that keep a hostile body cheap to refuse: nesting depth, string
 * and number lengths, duplicate keys and trailing content are all rejected as 400s. The body must be
 * UTF-8 (RFC 8259 §8.1): left to itself Jackson would guess UTF-16 or UTF-32 from zero bytes, and
 * decode CESU-8 surrogates and code points past U+10FFFF, so the event would hold something other
 * than what the vendor meant to send.
 */
public final class InboundJson {

    /** The service's one mapper, whose factory carries the limits; trailing content is refused too. */
    private static final ObjectReader READER = CanonicalJson.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private InboundJson() {
    }

    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidPayloadException(null, "the body is empty; a JSON object is required");
        }
        int invalid = firstInvalidUtf8(body);
        if (invalid >= 0) {
            throw new InvalidPayloadException(null, "the body is not valid UTF-8 (byte " + invalid + ")");
        }
        try {
            JsonNode node = READER.readValue(body);
            if (node == null || node.isMissingNode()) {
                throw new InvalidPayloadException(null, "the body is empty; a JSON object is required");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException(null, "the body exceeds the JSON limits (nesting depth "
                    + CanonicalJson.MAX_NESTING_DEPTH + ", number and string lengths)");
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw new InvalidPayloadException(null, "the body is not valid JSON (" + location(e) + ")");
        } catch (IOException e) {
            throw new InvalidPayloadException(null, "the body is not valid JSON");
        }
    }

    /**
     * The offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong forms, no
     * surrogates, nothing past U+10FFFF), or of a raw NUL, which JSON text never holds; -1 when there is
     * none. One pass, no allocation: vendor bodies are almost all ASCII, which takes one compare a byte.
     */
    static int firstInvalidUtf8(byte[] bytes) {
        int n = bytes.length;
        int i = 0;
        while (i < n) {
            int b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            if (b == 0) {
                return i;
            }
            b &= 0xff;
            int extra;
            int min = 0x80;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = b == 0xE0 ? 0xA0 : 0x80; // overlong
                max = b == 0xED ? 0x9F : 0xBF; // UTF-16 surrogates
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = b == 0xF0 ? 0x90 : 0x80; // overlong
                max = b == 0xF4 ? 0x8F : 0xBF; // past U+10FFFF
            } else {
                return i; // a continuation byte alone, an overlong two-byte lead, or no lead at all
            }
            if (i + extra >= n) {
                return i;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k <= extra; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += extra + 1;
        }
        return -1;
    }

    /** Line and column only: the parser's own message may quote the body, which may be personal data. */
    private static String location(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e.getLocation() == null) {
            return "unreadable";
        }
        return "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}

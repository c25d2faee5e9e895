package io.coursewire.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.coursewire.canonical.CanonicalJson;

/**
 * What goes on the wire for one delivery in each {@link CloudEventsMode} (§6, and the CloudEvents HTTP
 * protocol binding 1.0): the {@code Content-Type}, the {@code ce-*} headers and the body bytes, made from
 * the canonical event's JSON exactly as it was stored. Pure: no state, no I/O.
 *
 * <p>Binary mode reads the event with one streaming pass, no tree: each top-level attribute but
 * {@code data} becomes a {@code ce-<name>} header, {@code datacontenttype} becomes the
 * {@code Content-Type} (the binding forbids a {@code ce-datacontenttype}), and the body is the bytes of
 * {@code data} cut out of the event as they are, so it equals the event's {@code data} byte for byte.
 */
public final class CloudEventsBinding {

    public static final String JSON = "application/json";
    public static final String STRUCTURED = "application/cloudevents+json; charset=utf-8";

    /** Parsed under the service's own limits (nesting, lengths, duplicate keys). */
    private static final JsonFactory FACTORY = CanonicalJson.MAPPER.getFactory();

    /** One delivery's request: {@code headers} are the {@code ce-*} ones, in the event's order; empty but in binary mode. */
    public record Wire(String contentType, Map<String, String> headers, byte[] body) {
    }

    private CloudEventsBinding() {
    }

    /**
     * @throws IllegalArgumentException in binary mode, when {@code event} is not a JSON object (the
     *         canonical event always is)
     */
    public static Wire of(CloudEventsMode mode, byte[] event) {
        return switch (mode) {
            case JSON -> new Wire(JSON, Map.of(), event);
            case STRUCTURED -> new Wire(STRUCTURED, Map.of(), event);
            case BINARY -> binary(event);
        };
    }

    private static Wire binary(byte[] event) {
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = JSON;
        int dataStart = -1;
        int dataEnd = -1;
        try (JsonParser p = FACTORY.createParser(event)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the event is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("data")) {
                    dataStart = Math.toIntExact(p.currentTokenLocation().getByteOffset());
                    if (value.isStructStart()) {
                        p.skipChildren();
                    } else {
                        p.finishToken(); // a scalar's end is known only once it is read whole
                    }
                    dataEnd = Math.toIntExact(p.currentLocation().getByteOffset());
                } else if (value.isStructStart()) {
                    p.skipChildren(); // no CloudEvents attribute type is a JSON object or array: not an attribute
                } else if (value != JsonToken.VALUE_NULL) { // an absent attribute has no header
                    if (name.equals("datacontenttype")) {
                        contentType = p.getText();
                    } else {
                        headers.put("ce-" + name.toLowerCase(Locale.ROOT), headerValue(p.getText()));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not readable JSON (" + e.getClass().getSimpleName() + ")", e);
        }
        byte[] body = dataStart < 0 ? new byte[0] : Arrays.copyOfRange(event, dataStart, dataEnd);
        return new Wire(contentType, Collections.unmodifiableMap(headers), body);
    }

    /**
     * A {@code ce-*} header's value per the binding (3.1.3.2): space, {@code "}, {@code %} and anything
     * outside printable ASCII percent-encoded as UTF-8, so that no value can break or bend the header.
     */
    static String headerValue(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > 0x20 && c < 0x7f && c != '"' && c != '%';
        }
        if (plain) {
            return value;
        }
        StringBuilder encoded = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}

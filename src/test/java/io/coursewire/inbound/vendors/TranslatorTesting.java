package io.coursewire.inbound.vendors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalSchema;
import io.coursewire.inbound.InboundJson;
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.accept.Translation;

/** Fixture loading and payload editing for the translator tests; fixtures come from the classpath only. */
final class TranslatorTesting {

    /** {@code evt_} and 128 bits in lowercase hex. */
    static final String EVENT_ID = "evt_[0-9a-f]{32}";

    private TranslatorTesting() {
    }

    /** A fixture from {@code src/test/resources/fixtures}, parsed as production parses bodies. */
    static ObjectNode fixture(String name) {
        try (InputStream in = TranslatorTesting.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture %s on the classpath", name).isNotNull();
            return (ObjectNode) InboundJson.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        return InboundJson.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the value at a dotted path (creating objects on the way); a null value is a JSON null. */
    static ObjectNode set(ObjectNode root, String path, Object value) {
        int dot = path.lastIndexOf('.');
        ObjectNode parent = dot < 0 ? root : parent(root, path.substring(0, dot));
        String name = path.substring(dot + 1);
        parent.set(name, toNode(value));
        return root;
    }

    /**
     * A body as a vendor would send it: {@code fixture} with the raw JSON text {@code raw} at each dotted
     * path (null removes the path), written out as text and parsed by {@link InboundJson} as production
     * does. Raw text keeps what a tree cannot: {@code 1e999}, {@code -0}, lone-surrogate escapes, huge integers.
     */
    static JsonNode withRaw(ObjectNode fixture, Map<String, String> raw) {
        return InboundJson.parse(rawBody(fixture, raw).getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode withRaw(ObjectNode fixture, String path, String raw) {
        return withRaw(fixture, Collections.singletonMap(path, raw));
    }

    /** The text of {@link #withRaw}: placeholders set in a copy of the tree, then replaced by the raw text. */
    static String rawBody(ObjectNode fixture, Map<String, String> raw) {
        ObjectNode copy = fixture.deepCopy();
        Map<String, String> slots = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (e.getValue() == null) {
                remove(copy, e.getKey());
            } else {
                String slot = "@@slot" + slots.size() + "@@";
                set(copy, e.getKey(), slot);
                slots.put("\"" + slot + "\"", e.getValue());
            }
        }
        String text = copy.toString();
        for (Map.Entry<String, String> e : slots.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }

    /** Removes the field at a dotted path, if there. */
    static ObjectNode remove(ObjectNode root, String path) {
        int dot = path.lastIndexOf('.');
        ObjectNode parent = dot < 0 ? root : parent(root, path.substring(0, dot));
        parent.remove(path.substring(dot + 1));
        return root;
    }

    /** A JSON object value, for wrong-type tests ({@code {"id": 1}}). */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode().put("id", 1);
    }

    /** The canonical event of a mapped translation, after checking it against the project's schema. */
    static CanonicalEvent mapped(Translation translation) {
        assertThat(translation).isInstanceOf(Translation.Mapped.class);
        CanonicalEvent event = ((Translation.Mapped) translation).event();
        CanonicalSchema.assertValid(event);
        assertThat(event.id()).matches(EVENT_ID);
        assertThat(event.specversion()).isEqualTo("1.0");
        assertThat(event.datacontenttype()).isEqualTo("application/json");
        return event;
    }

    /** Runs {@code call}, expecting a 400 naming {@code field}; returns the exception for more checks. */
    static InvalidPayloadException invalid(Runnable call, String field) {
        InvalidPayloadException e = catchThrowableOfType(InvalidPayloadException.class, call::run);
        assertThat(e).as("InvalidPayloadException naming %s", field).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        if (field != null) {
            assertThat(e.getMessage()).contains("'" + field + "'");
        }
        return e;
    }

    private static JsonNode toNode(Object value) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (value == null) {
            return json.nullNode();
        }
        if (value instanceof JsonNode n) {
            return n;
        }
        if (value instanceof String s) {
            return json.textNode(s);
        }
        if (value instanceof Integer i) {
            return json.numberNode(i);
        }
        if (value instanceof Long l) {
            return json.numberNode(l);
        }
        if (value instanceof Double d) {
            return json.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return json.booleanNode(b);
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }

    private static ObjectNode parent(ObjectNode root, String path) {
        ObjectNode current = root;
        for (String name : path.split("\\.")) {
            JsonNode child = current.get(name);
            current = child instanceof ObjectNode o ? o : current.putObject(name);
        }
        return current;
    }
}

package io.coursewire.inbound;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Typed, path-named reads from a vendor payload. Every reader names the dotted path of the field in
 * the exception it throws, so a 400 tells the vendor exactly what is wrong. Optional readers return
 * null for an absent field or a JSON null; required readers throw {@link InvalidPayloadException}.
 */
public final class Fields {

    private final JsonNode root;

    private Fields(JsonNode root) {
        this.root = root;
    }

    /** Wraps a payload, which must be a JSON object. */
    public static Fields of(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidPayloadException(null, "the body must be a JSON object");
        }
        return new Fields(payload);
    }

    /** The node at a dotted path, or null when absent or JSON null; intermediate values must be objects. */
    public JsonNode node(String path) {
        JsonNode current = root;
        int start = 0;
        while (true) {
            int dot = path.indexOf('.', start);
            String name = dot < 0 ? path.substring(start) : path.substring(start, dot);
            if (!current.isObject()) {
                throw InvalidPayloadException.invalid(path.substring(0, Math.max(0, start - 1)), "an object");
            }
            current = current.get(name);
            if (current == null || current.isNull()) {
                return null;
            }
            if (dot < 0) {
                return current;
            }
            start = dot + 1;
        }
    }

    /** True when the field is present and not null. */
    public boolean has(String path) {
        return node(path) != null;
    }

    /** A string field; numbers and booleans are not accepted. */
    public String text(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw InvalidPayloadException.invalid(path, "a string");
        }
        return n.textValue();
    }

    public String requiredText(String path) {
        return required(path, text(path));
    }

    /**
     * An identifier, always returned as a string: a string as is, an integer as its digits (vendors
     * send ids as numbers), anything else is rejected.
     */
    public String id(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            String t = n.textValue().trim();
            return t.isEmpty() ? null : t;
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isNumber() && isWhole(n.decimalValue())) {
            return n.decimalValue().toBigInteger().toString();
        }
        throw InvalidPayloadException.invalid(path, "a string or an integer");
    }

    public String requiredId(String path) {
        return required(path, id(path));
    }

    /** A number, also when it arrives as a numeric string ({@code "24.0"}). */
    public Double number(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            String t = n.textValue().trim();
            if (t.isEmpty()) {
                return null;
            }
            try {
                double d = Double.parseDouble(t);
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the rejection naming the field
            }
        }
        throw InvalidPayloadException.invalid(path, "a number");
    }

    public Double requiredNumber(String path) {
        return required(path, number(path));
    }

    /** A percentage in [0, 100], also when it arrives as a numeric string. */
    public Double percent(String path) {
        Double p = number(path);
        if (p != null && (p < 0 || p > 100)) {
            throw InvalidPayloadException.invalid(path, "a number from 0 to 100");
        }
        return p;
    }

    /** A boolean; {@code 1}/{@code 0} and {@code "true"}/{@code "false"} are accepted as vendors send them. */
    public Boolean bool(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && (n.intValue() == 0 || n.intValue() == 1) && n.canConvertToInt()) {
            return n.intValue() == 1;
        }
        if (n.isTextual()) {
            String t = n.textValue().trim();
            if (t.equalsIgnoreCase("true") || t.equals("1")) {
                return true;
            }
            if (t.equalsIgnoreCase("false") || t.equals("0")) {
                return false;
            }
        }
        throw InvalidPayloadException.invalid(path, "a boolean");
    }

    /** A time field parsed with {@code parser} (one of {@link io.coursewire.canonical.Times}). */
    public Instant time(String path, Function<String, Optional<Instant>> parser, String format) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw InvalidPayloadException.invalid(path, "a time as a string (" + format + ")");
        }
        if (n.textValue().isBlank()) {
            return null;
        }
        return parser.apply(n.textValue())
                .orElseThrow(() -> InvalidPayloadException.invalid(path, "a time (" + format + ")"));
    }

    public Instant requiredTime(String path, Function<String, Optional<Instant>> parser, String format) {
        return required(path, time(path, parser, format));
    }

    /**
     * The digits of a phone number that arrives as a JSON number, or the trimmed text of one that
     * arrives as a string.
     */
    public String phone(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            BigDecimal d = n.decimalValue();
            if (!isWhole(d) || d.signum() < 0) {
                throw InvalidPayloadException.invalid(path, "a phone number");
            }
            return d.toBigInteger().toString();
        }
        if (n.isTextual()) {
            String t = n.textValue().trim();
            return t.isEmpty() ? null : t;
        }
        throw InvalidPayloadException.invalid(path, "a phone number (string or number)");
    }

    /**
     * The fields at {@code paths} that are present in the payload, keyed by their last segment, with
     * their JSON values kept losslessly (for {@code extensions}).
     */
    public Map<String, JsonNode> keep(String... paths) {
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        for (String path : paths) {
            JsonNode parent = root;
            int dot = path.lastIndexOf('.');
            if (dot > 0) {
                parent = node(path.substring(0, dot));
            }
            if (parent != null && parent.isObject()) {
                String name = path.substring(dot + 1);
                JsonNode value = parent.get(name);
                if (value != null) {
                    kept.put(name, value.isNull() ? NullNode.getInstance() : value);
                }
            }
        }
        return kept;
    }

    /** Who the event is about: the contract requires at least one of the learner's id and email. */
    public record LearnerRef(String id, String email) {
        /** The id, or the email for a learner known only by email: what identifies them in an event id. */
        public String key() {
            return id != null ? id : email;
        }
    }

    /** The learner's id and email; 400 naming both fields when neither is present. */
    public LearnerRef learner(String idPath, String emailPath) {
        LearnerRef learner = new LearnerRef(id(idPath), text(emailPath));
        if (learner.id() == null && learner.email() == null) {
            throw InvalidPayloadException.missingEither(idPath, emailPath);
        }
        return learner;
    }

    /** {@code first + " " + last}, either alone when the other is absent, null when both are. */
    public static String fullName(String first, String last) {
        if (first == null || first.isBlank()) {
            return last == null || last.isBlank() ? null : last;
        }
        return last == null || last.isBlank() ? first : first + " " + last;
    }

    private static <T> T required(String path, T value) {
        if (value == null) {
            throw InvalidPayloadException.missing(path);
        }
        return value;
    }

    private static boolean isWhole(BigDecimal d) {
        return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }
}

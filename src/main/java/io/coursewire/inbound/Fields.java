package io.coursewire.inbound;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.Times;

/**
 * Typed, path-named reads from a vendor payload. Every reader names the dotted path of the field in
 * the exception it throws, so a 400 tells the vendor exactly what is wrong. Optional readers return
 * null for an absent field or a JSON null; required readers throw {@link InvalidPayloadException}.
 *
 * <p>Whatever a reader returns can go into a canonical event as it is (PRODUCT.md §2, "Hostile traffic
 * and limits"): numbers are finite, ids at most {@value #MAX_ID_LENGTH} characters, percents 0-100,
 * times in the years 0001-9999 UTC, and text has a UTF-8 form. Each rule lives in one reader here.
 */
public final class Fields {

    /** The longest id (or phone number) accepted, in characters: ids go into event ids and message headers. */
    public static final int MAX_ID_LENGTH = 128;

    private static final String AN_ID = "a string or an integer of at most " + MAX_ID_LENGTH + " characters";
    private static final String A_PHONE = "a phone number: a string, or a whole non-negative number, of at most "
            + MAX_ID_LENGTH + " characters";
    private static final String UNICODE = "Unicode text (no unpaired UTF-16 surrogate escapes)";

    /** A number sent as text, in decimal notation: not Java's extras ({@code NaN}, {@code 0x1p3}, {@code 1f}). */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

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

    /**
     * A string field; numbers and booleans are not accepted. Free text is not refused for an unpaired
     * surrogate (a JavaScript sender that cuts a name mid-emoji sends half of it as a JSON escape): it is
     * replaced by U+FFFD, as any UTF-8 encoder would, because a target may not be able to read the escape.
     */
    public String text(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw InvalidPayloadException.invalid(path, "a string");
        }
        return wellFormed(n.textValue());
    }

    public String requiredText(String path) {
        return required(path, text(path));
    }

    /**
     * An identifier, always returned as a string: a string as is (trimmed), a whole number as its digits
     * (vendors send ids as numbers), at most {@value #MAX_ID_LENGTH} characters; anything else is
     * rejected. An unpaired surrogate is refused, not replaced: two distinct ids must stay distinct.
     */
    public String id(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        String id;
        if (n.isTextual()) {
            id = n.textValue().trim();
            if (id.isEmpty()) {
                return null;
            }
            if (unpaired(id, 0) >= 0) {
                throw InvalidPayloadException.invalid(path, UNICODE);
            }
        } else {
            id = wholeDigits(n);
        }
        if (id == null || !fitsId(id)) {
            throw InvalidPayloadException.invalid(path, AN_ID);
        }
        return id;
    }

    public String requiredId(String path) {
        return required(path, id(path));
    }

    /**
     * A finite number, also when it arrives as a numeric string ({@code "24.0"}). Jackson reads
     * {@code 1e999} as Infinity, which JSON cannot carry back out: refused like {@code "NaN"}.
     */
    public Double number(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        double d = Double.NaN;
        if (n.isNumber()) {
            d = n.doubleValue();
        } else if (n.isTextual()) {
            String t = n.textValue().trim();
            if (t.isEmpty()) {
                return null;
            }
            d = decimal(t);
        }
        if (!Double.isFinite(d)) {
            throw InvalidPayloadException.invalid(path, "a finite number");
        }
        return d + 0.0; // -0.0 becomes 0.0: one zero, in the event and in the ids derived from it
    }

    public Double requiredNumber(String path) {
        return required(path, number(path));
    }

    /** A percentage in [0, 100], also when it arrives as a numeric string. */
    public Double percent(String path) {
        Double p = number(path);
        if (p != null && !(p >= 0 && p <= 100)) {
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

    /**
     * A time field parsed with {@code parser} (one of {@link Times}), in the years 0001-9999 UTC: the
     * final instant is checked, since a local 9999-12-31 23:00 west of Greenwich is already year 10000.
     */
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
        Instant time = parser.apply(n.textValue())
                .orElseThrow(() -> InvalidPayloadException.invalid(path, "a time (" + format + ")"));
        if (!Times.isRfc3339(time)) {
            throw InvalidPayloadException.invalid(path, "a time in the years 0001 to 9999 UTC");
        }
        return time;
    }

    public Instant requiredTime(String path, Function<String, Optional<Instant>> parser, String format) {
        return required(path, time(path, parser, format));
    }

    /**
     * The digits of a phone number that arrives as a JSON number (whole, finite, not negative), or the
     * trimmed text of one that arrives as a string; at most {@value #MAX_ID_LENGTH} characters either way.
     */
    public String phone(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        String phone = null;
        if (n.isTextual()) {
            phone = n.textValue().trim();
            if (phone.isEmpty()) {
                return null;
            }
            if (unpaired(phone, 0) >= 0) {
                throw InvalidPayloadException.invalid(path, UNICODE);
            }
        } else if (n.isNumber()) {
            phone = wholeDigits(n);
            if (phone != null && phone.startsWith("-")) {
                phone = null;
            }
        }
        if (phone == null || !fitsId(phone)) {
            throw InvalidPayloadException.invalid(path, A_PHONE);
        }
        return phone;
    }

    /**
     * The fields at {@code paths} that are present in the payload, keyed by their last segment, with
     * their JSON values kept losslessly (for {@code extensions}), held to the rules every value in an
     * event is: a non-finite number anywhere in one is a 400 naming the field, text is made well formed.
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
                    kept.put(name, value.isNull() ? NullNode.getInstance() : carried(path, value));
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
        String email = text(emailPath);
        LearnerRef learner = new LearnerRef(id(idPath), email == null || email.isBlank() ? null : email);
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

    /** Present and, for text, not blank: a blank kind or email names nothing. */
    private static <T> T required(String path, T value) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw InvalidPayloadException.missing(path);
        }
        return value;
    }

    private static boolean isWhole(BigDecimal d) {
        return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }

    /**
     * The digits of a whole, finite number; null for anything else (a fraction, {@code 1e999}, a string).
     * Finite means at most 309 digits, so the conversion below stays cheap.
     */
    private static String wholeDigits(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            return null; // decimalValue() of an Infinity DoubleNode would throw NumberFormatException
        }
        BigDecimal d = n.decimalValue();
        return isWhole(d) ? d.toBigInteger().toString() : null;
    }

    /** Characters, not UTF-16 units: an id of 128 emoji is 128 characters long. */
    private static boolean fitsId(String id) {
        return id.length() <= MAX_ID_LENGTH || id.codePointCount(0, id.length()) <= MAX_ID_LENGTH;
    }

    /** A number spelled in decimal, or NaN for anything else (too long to be a JSON number included). */
    private static double decimal(String text) {
        return text.length() <= CanonicalJson.MAX_NUMBER_LENGTH && DECIMAL.matcher(text).matches()
                ? Double.parseDouble(text)
                : Double.NaN;
    }

    /** A kept value as an event may carry it: finite numbers (else a 400 naming {@code path}), well-formed text. */
    private static JsonNode carried(String path, JsonNode value) {
        if (value.isNumber()) {
            if (!Double.isFinite(value.doubleValue())) {
                throw InvalidPayloadException.invalid(path, "a value whose numbers are finite");
            }
            return value;
        }
        if (value.isTextual()) {
            String text = wellFormed(value.textValue());
            return text == value.textValue() ? value : TextNode.valueOf(text);
        }
        if (value.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(value.size());
            value.forEach(element -> copy.add(carried(path, element)));
            return copy;
        }
        if (value.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(field -> copy.set(wellFormed(field.getKey()), carried(path, field.getValue())));
            return copy;
        }
        return value;
    }

    /**
     * {@code text} with every unpaired surrogate replaced by U+FFFD; {@code text} itself when it has none.
     * Jackson reads a JSON escape of a lone surrogate (U+D800 to U+DFFF) into a String that has no UTF-8
     * form: written back out it stays an escape that strict readers refuse, and hashed as UTF-8 (event
     * ids) it would become {@code ?}, the same as every other lone surrogate and as {@code ?} itself.
     */
    public static String wellFormed(String text) {
        int bad = unpaired(text, 0);
        if (bad < 0) {
            return text;
        }
        StringBuilder repaired = new StringBuilder(text);
        while (bad >= 0) {
            repaired.setCharAt(bad, '\uFFFD');
            bad = unpaired(text, bad + 1);
        }
        return repaired.toString();
    }

    /** The index of the first surrogate from {@code from} on that is not half of a pair, or -1. */
    private static int unpaired(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}

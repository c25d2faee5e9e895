package io.coursewire.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hostile webhook bodies for the five vendors, for {@code IngestFuzzTest}. Body {@code i} of a seed
 * depends on nothing but the seed and {@code i}, so any body of a long run is rebuilt exactly
 * ({@code -Dfuzz.seed=S -Dfuzz.first=i -Dfuzz.bodies=1}) and nothing needs to be kept per body.
 *
 * <p>Each body starts from a vendor sample (src/test/resources/fixtures) made unique (its identity
 * fields are fresh, so it is a new event, not a retry), then is attacked: a systematic sweep of
 * hostile values over every field path, or one of the random categories (hostile values, missing and
 * extra fields, byte-level mutation, deep nesting, duplicate keys, trailing garbage, empty and
 * non-object bodies, lenient-JSON syntax, other encodings, hostile headers).
 *
 * <p>Bodies are trees whose scalars are raw JSON text rather than Jackson nodes: Jackson would
 * normalise exactly what is worth sending ({@code 1e999}, {@code -0}, {@code "\ud800"}, duplicate keys).
 */
public final class WebhookFuzzer {

    public static final List<String> VENDORS = List.of("zapnito", "toolzz", "digitalchalk", "tagmango", "thinkific");

    /**
     * One request body with the vendor headers that are not credentials ({@code X-Zapnito-Hostname},
     * {@code X-Thinkific-Subdomain}). {@code tree} is set when {@code bytes} are exactly its
     * serialization (no byte-level change), so a failure can be minimized field by field.
     */
    public record Body(long index, String vendor, String category, String description, byte[] bytes,
            Map<String, String> headers, Obj tree) {
    }

    // ---------------------------------------------------------------------------------- JSON trees

    /** A JSON value: an object, an array, or a scalar kept as its exact JSON text. */
    public interface J {
        J copy();
    }

    public static final class Obj implements J {
        final List<Member> members = new ArrayList<>();

        Member member(String name) {
            for (Member m : members) {
                if (m.name.equals(name)) {
                    return m;
                }
            }
            return null;
        }

        void put(String name, J value) {
            Member m = member(name);
            if (m != null) {
                m.value = value;
            } else {
                members.add(new Member(name, quote(name), value));
            }
        }

        @Override
        public Obj copy() {
            Obj o = new Obj();
            for (Member m : members) {
                o.members.add(new Member(m.name, m.rawKey, m.value.copy()));
            }
            return o;
        }
    }

    /** {@code rawKey} is the key's JSON text, so a key may be hostile too (escapes, lone surrogates). */
    static final class Member {
        final String name;
        final String rawKey;
        J value;

        Member(String name, String rawKey, J value) {
            this.name = name;
            this.rawKey = rawKey;
            this.value = value;
        }
    }

    public static final class Arr implements J {
        final List<J> items = new ArrayList<>();

        @Override
        public Arr copy() {
            Arr a = new Arr();
            for (J item : items) {
                a.items.add(item.copy());
            }
            return a;
        }
    }

    public record Raw(String text) implements J {
        @Override
        public Raw copy() {
            return this;
        }
    }

    public static String write(J value, boolean pretty) {
        StringBuilder out = new StringBuilder(256);
        write(value, out, pretty, 0);
        return out.toString();
    }

    private static void write(J value, StringBuilder out, boolean pretty, int indent) {
        if (value instanceof Raw raw) {
            out.append(raw.text());
        } else if (value instanceof Arr arr) {
            out.append('[');
            for (int i = 0; i < arr.items.size(); i++) {
                out.append(i == 0 ? "" : ",");
                newline(out, pretty, indent + 1);
                write(arr.items.get(i), out, pretty, indent + 1);
            }
            newline(out, pretty && !arr.items.isEmpty(), indent);
            out.append(']');
        } else {
            Obj obj = (Obj) value;
            out.append('{');
            for (int i = 0; i < obj.members.size(); i++) {
                Member m = obj.members.get(i);
                out.append(i == 0 ? "" : ",");
                newline(out, pretty, indent + 1);
                out.append(m.rawKey).append(pretty ? " : " : ":");
                write(m.value, out, pretty, indent + 1);
            }
            newline(out, pretty && !obj.members.isEmpty(), indent);
            out.append('}');
        }
    }

    private static void newline(StringBuilder out, boolean pretty, int indent) {
        if (pretty) {
            out.append('\n').append("  ".repeat(indent));
        }
    }

    /** Dotted paths of every member, parents before children (fixtures have no arrays). */
    public static List<String> paths(Obj root) {
        List<String> out = new ArrayList<>();
        collectPaths(root, "", out);
        return out;
    }

    private static void collectPaths(Obj obj, String prefix, List<String> out) {
        for (Member m : obj.members) {
            String path = prefix.isEmpty() ? m.name : prefix + "." + m.name;
            out.add(path);
            if (m.value instanceof Obj child) {
                collectPaths(child, path, out);
            }
        }
    }

    private static Obj parentOf(Obj root, String path) {
        int dot = path.lastIndexOf('.');
        if (dot < 0) {
            return root;
        }
        Member parent = locate(root, path.substring(0, dot));
        return parent != null && parent.value instanceof Obj o ? o : null;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    static Member locate(Obj root, String path) {
        Obj current = root;
        int start = 0;
        while (true) {
            int dot = path.indexOf('.', start);
            Member m = current.member(dot < 0 ? path.substring(start) : path.substring(start, dot));
            if (m == null || dot < 0) {
                return m;
            }
            if (!(m.value instanceof Obj next)) {
                return null;
            }
            current = next;
            start = dot + 1;
        }
    }

    /** Replaces the value at {@code path}, adding the member when its parent object exists. */
    static void set(Obj root, String path, J value) {
        Obj parent = parentOf(root, path);
        if (parent != null) {
            parent.put(lastSegment(path), value);
        }
    }

    public static void remove(Obj root, String path) {
        Obj parent = parentOf(root, path);
        if (parent != null) {
            parent.members.removeIf(m -> m.name.equals(lastSegment(path)));
        }
    }

    static J get(Obj root, String path) {
        Member m = locate(root, path);
        return m == null ? null : m.value;
    }

    private static J fromNode(JsonNode node) {
        if (node.isObject()) {
            Obj o = new Obj();
            node.fields().forEachRemaining(e -> o.put(e.getKey(), fromNode(e.getValue())));
            return o;
        }
        if (node.isArray()) {
            Arr a = new Arr();
            node.forEach(item -> a.items.add(fromNode(item)));
            return a;
        }
        return new Raw(node.toString());
    }

    /** A Java string (never holding a lone surrogate) as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static Raw str(String s) {
        return new Raw(quote(s));
    }

    private static Raw num(long n) {
        return new Raw(Long.toString(n));
    }

    /** A short, readable name for a hostile value: itself when short, else its start and length. */
    static String label(String raw) {
        String oneLine = raw.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\0", "\\0");
        return oneLine.length() <= 48 ? oneLine : oneLine.substring(0, 24) + "…(" + raw.length() + " chars)";
    }

    // ------------------------------------------------------------------------------ hostile values

    /** A hostile value and how the report names it. */
    public record Hostile(J value, String label) {
        static Hostile raw(String text) {
            return new Hostile(new Raw(text), WebhookFuzzer.label(text));
        }
    }

    /** Stands for "remove the field" in the sweep. */
    private static final Hostile MISSING = new Hostile(null, "(missing)");

    private static final String DIGITS_400 = "9" + "1234567890".repeat(40).substring(1);
    private static final String DIGITS_64 = "1" + "0".repeat(63);
    private static final String DIGITS_65 = "1" + "0".repeat(64);

    /**
     * The sweep's values: every one is tried at every field path of every vendor's sample, so a run of
     * a few thousand bodies per vendor covers them all. The known traps first: non-finite and huge
     * numbers, lone surrogates, years outside 0001–9999 (also reached through an offset or the source
     * zone), ids over 128 characters.
     */
    static final List<Hostile> SWEEP = List.of(
            Hostile.raw("1e999"), Hostile.raw("-1e999"), Hostile.raw("1E+400"), Hostile.raw("-0"), Hostile.raw("0"),
            Hostile.raw("-1"), Hostile.raw("0.5"), Hostile.raw("100.0000001"), Hostile.raw("101"), Hostile.raw("1e-400"),
            Hostile.raw("9223372036854775808"), Hostile.raw("1.5e300"), Hostile.raw(DIGITS_400), Hostile.raw(DIGITS_64),
            Hostile.raw(DIGITS_65),
            Hostile.raw("\"\""), Hostile.raw("\"   \""), Hostile.raw("\"NaN\""), Hostile.raw("\"Infinity\""),
            Hostile.raw("\"-1e999\""), Hostile.raw("\"\\ud800\""), Hostile.raw("\"x\\udc00\\ud800y\""),
            Hostile.raw("\"\\u0000\""), Hostile.raw("\"\\u0007\\u001f\\r\\n\""),
            Hostile.raw(quote("日本語 🎓 e\u0301 \u202e\u200b")), Hostile.raw(quote("i".repeat(129))),
            Hostile.raw(quote("long-".repeat(600))),
            Hostile.raw("\"0000-01-01T00:00:00Z\""), Hostile.raw("\"0001-01-01T00:00:00Z\""),
            Hostile.raw("\"9999-12-31T23:59:59Z\""), Hostile.raw("\"10000-01-01T00:00:00Z\""),
            Hostile.raw("\"+12023-11-20T18:30:00Z\""), Hostile.raw("\"-0001-11-20T18:30:00Z\""),
            Hostile.raw("\"9999-12-31T23:59:59-18:00\""), Hostile.raw("\"0001-01-01T00:00:00+18:00\""),
            Hostile.raw("\"2023-02-30T00:00:00Z\""), Hostile.raw("\"2023-11-20\""), Hostile.raw("\"+12023-01-01\""),
            Hostile.raw("\"-0001-12-31\""), Hostile.raw("\"0000-01-01\""), Hostile.raw("\"9999-12-31\""),
            Hostile.raw("\"+12023-07-03 12:53:41\""), Hostile.raw("\"-0001-07-03 12:53:41\""),
            Hostile.raw("\"9999-12-31 23:59:59\""), Hostile.raw("\"0000-01-01 00:00:00\""),
            Hostile.raw(quote(rails(12023, 1, 1, "23:59:59", "+00:00"))),
            Hostile.raw(quote(rails(9999, 12, 31, "23:59:59", "-18:00"))),
            Hostile.raw(quote(rails(0, 1, 1, "00:00:00", "+00:00"))),
            Hostile.raw("true"), Hostile.raw("null"), Hostile.raw("[]"), Hostile.raw("{}"), Hostile.raw("[1e999]"),
            Hostile.raw("{\"id\":1e999}"),
            MISSING);

    private static final String[] SPECIAL_NUMBERS = {
            "1e999", "-1e999", "1E+400", "-1E+400", "1e-400", "-0", "-0.0", "0", "0.0", "1", "-1", "0.5",
            "99.99999999999999", "100", "100.0", "100.00000000000001", "101", "1e2", "1E2", "2147483647", "2147483648",
            "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
            "1.7976931348623157e308", "1.7976931348623157e309", "4.9e-324", "1.0e-7", "123456789012345678901234567890",
            "12345678901234567890.000000000", "1.5e300", "5e-1", "1e0", "0e999", "-0e-999" };

    private static final String[] ESCAPED_STRINGS = {
            "\"\\ud800\"", "\"\\udbff\"", "\"\\udc00\"", "\"\\udfff\"", "\"a\\ud800\"", "\"\\ud800a\"", "\"\\udc00\\ud800\"",
            "\"\\ud800\\ud800\"", "\"\\ud83c\\udf93\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u001f\"", "\"\\u007f\"",
            "\"\\u0085\"", "\"\\u2028\\u2029\"", "\"\\ufeff\"", "\"\\uffff\"", "\"\\ufffe\"", "\"\\\\\"", "\"\\\"\"", "\"\\/\"",
            "\"\\b\\f\\n\\r\\t\"", "\"\\uD800\\uDC00\"", "\"\\uDBFF\\uDFFF\"",
            // Not JSON: raw control characters in a string, bad escapes, an unterminated string.
            "\"a\tb\"", "\"a\nb\"", "\"a\u0000b\"", "\"a\u001fb\"", "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\\"",
            "\"\\U0041\"", "\"\\a\"", "\"unterminated" };

    private static final String[] INVALID_LITERALS = {
            "NaN", "-NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "01", "-01", "0x1F", "1_000", "undefined", "True",
            "NULL", "nul", "'x'", "--1", "1e", "1e+", "-", "" };

    private static final String[] YEARS = {
            "0000", "0001", "0099", "1969", "1970", "2023", "9999", "10000", "+10000", "12023", "+12023", "-0001", "-1",
            "+0001", "999999999", "+999999999", "-999999999", "20231" };

    private static final String[] OFFSETS = {
            "Z", "Z", "+00:00", "-00:00", "+18:00", "-18:00", "+19:00", "+05:30", "+0530", "+05", "z", "", "+14:00",
            "-12:00", "-00:01" };

    private static final String[] HOSTILE_KEYS = {
            "\"\"", "\" \"", "\"__proto__\"", "\"constructor\"", "\"$ref\"", "\"id\"", "\"user.id\"", "\"\\u0000\"",
            "\"\\ud800\"", "\"日本\"", "\"e\\u0301\"", "\"💥\"", "\"\\\\\"", "\"\\\"\"", "\"payload\"", "\"data\"",
            "\"" + "k".repeat(3000) + "\"" };

    private static final String[] HOSTILE_HOSTS = {
            " ", "x", "h".repeat(129), "h".repeat(2000), "a b", "../../etc/passwd", "host:8080", "%00", "\t",
            "<script>", "${jndi:ldap://x/a}", "community.acme.org, other.org" };

    private static final byte[][] INVALID_UTF8 = {
            { (byte) 0xFF }, { (byte) 0xFE }, { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF },
            { (byte) 0xC1, (byte) 0xBF }, { (byte) 0xE0, (byte) 0x80, (byte) 0xAF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
            { (byte) 0xED, (byte) 0xBF, (byte) 0xBF }, { (byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF },
            { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, { (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80 },
            { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0x80 }, { (byte) 0xBF },
            { (byte) 0xC2 }, { (byte) 0xE2, (byte) 0x82 }, { (byte) 0xF0, (byte) 0x9F, (byte) 0x8E },
            { (byte) 0xED, (byte) 0xA0, (byte) 0xBC, (byte) 0xED, (byte) 0xBE, (byte) 0x93 } };

    private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

    private static final Pattern DATE_LIKE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}|^\"[A-Z][a-z]{2}, ");

    /** Rails' {@code TimeWithZone#to_s}, with the right weekday (STRICT parsing checks it) when the date exists. */
    private static String rails(int year, int month, int day, String time, String offset) {
        String weekday;
        try {
            weekday = LocalDate.of(year, month, day).getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        } catch (DateTimeException e) {
            weekday = "Mon";
        }
        String yearText = year > 9999 ? "+" + year : year < 0 ? String.format("-%04d", -year) : String.format("%04d", year);
        return weekday + ", " + day + " " + java.time.Month.of(month).getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " "
                + yearText + " " + time + " UTC " + offset;
    }

    // ------------------------------------------------------------------------------ the generator

    private static final DateTimeFormatter RAILS = DateTimeFormatter.ofPattern("EEE, d MMM uuuu HH:mm:ss 'UTC' xxx", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_MINUTES = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL_SPACE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    private final long seed;
    private final Map<String, List<Obj>> samples = new LinkedHashMap<>();
    private final Map<String, List<String>> samplePaths = new LinkedHashMap<>();

    public WebhookFuzzer(long seed) {
        this.seed = seed;
        samples.put("zapnito", List.of(sample("zapnito-course-participation-updated.json")));
        samples.put("toolzz", List.of(sample("toolzz-course-completed.json")));
        samples.put("digitalchalk", List.of(sample("digitalchalk-offering-completed.json")));
        samples.put("tagmango", List.of(sample("tagmango-course-completed.json")));
        samples.put("thinkific", List.of(sample("thinkific-enrollment-completed.json"), sample("thinkific-enrollment-created.json"),
                sample("thinkific-enrollment-progress.json")));
        samples.forEach((vendor, list) -> samplePaths.put(vendor, paths(list.get(0))));
    }

    private static Obj sample(String name) {
        return (Obj) fromNode(Fixtures.json(name));
    }

    /** How many (field path, hostile value) pairs the sweep has for the vendor. */
    public long sweepSize(String vendor) {
        return (long) samplePaths.get(vendor).size() * SWEEP.size();
    }

    /**
     * Body {@code index}: vendors take turns; two of every three of a vendor's bodies walk the sweep
     * (from a point the seed picks) until it is done, so 10,000 bodies cover it for every vendor; the
     * others, and all bodies after it, are random categories.
     */
    public Body body(long index) {
        String vendor = VENDORS.get((int) (index % VENDORS.size()));
        long perVendor = index / VENDORS.size();
        Gen g = new Gen(vendor, index, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L));
        long sweep = sweepSize(vendor);
        long slot = perVendor / 3 * 2 + perVendor % 3 - 1;
        if (perVendor % 3 != 0 && slot < sweep) {
            g.sweep(Math.floorMod(slot + seed, sweep));
        } else {
            g.random();
        }
        return g.finish();
    }

    /** The state of one body while it is built. */
    private final class Gen {
        final String vendor;
        final long index;
        final SplittableRandom r;
        final Map<String, String> headers = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        Obj tree;
        byte[] bytes;
        String category;
        boolean pretty;

        Gen(String vendor, long index, SplittableRandom r) {
            this.vendor = vendor;
            this.index = index;
            this.r = r;
            List<Obj> choices = samples.get(vendor);
            this.tree = choices.get(r.nextInt(choices.size())).copy();
            this.pretty = r.nextInt(4) == 0;
            if (vendor.equals("zapnito")) {
                headers.put("X-Zapnito-Hostname", "community.acme.org");
            } else if (vendor.equals("thinkific")) {
                headers.put("X-Thinkific-Subdomain", "acme-academy");
            }
            freshen();
        }

        Body finish() {
            Obj structural = null;
            if (bytes == null) {
                bytes = write(tree, pretty).getBytes(StandardCharsets.UTF_8);
                structural = tree;
            }
            String description = category + (notes.isEmpty() ? "" : ": " + String.join("; ", notes));
            return new Body(index, vendor, category, description, bytes, headers, structural);
        }

        // ------------------------------------------------------------------ a new, valid event

        /**
         * New values for the fields that identify the vendor event (so this body is a new event, not a
         * retry of another body) and random but valid values elsewhere.
         */
        void freshen() {
            Instant when = Instant.ofEpochSecond(946_684_800L + r.nextLong(1_100_000_000L)); // 2000..2034
            switch (vendor) {
                case "zapnito" -> {
                    set(tree, "course_id", num(1 + r.nextInt(100_000)));
                    set(tree, "user_id", num(1_000_000_000L + index));
                    set(tree, "completion_percent", r.nextBoolean() ? num(r.nextInt(101)) : new Raw(r.nextInt(1000) / 10.0 + ""));
                    int threshold = r.nextInt(5);
                    if (threshold == 0) {
                        remove(tree, "course_completion_threshold");
                    } else if (threshold == 1) {
                        set(tree, "course_completion_threshold", num(1 + r.nextInt(100)));
                    }
                    set(tree, "updated_at", str(r.nextInt(5) == 0 ? when.toString() : RAILS.format(when)));
                }
                case "toolzz" -> {
                    if (r.nextInt(10) == 0) {
                        set(tree, "event.slug", str(r.nextBoolean() ? "activities.course.started" : "users.created"));
                    }
                    set(tree, "event.send_at", str(LOCAL_SPACE.format(LocalDateTime.ofInstant(when, ZoneOffset.UTC))));
                    set(tree, "data.institution.id", num(1 + r.nextInt(1000)));
                    set(tree, "data.course.id", num(1 + r.nextInt(1_000_000)));
                    set(tree, "data.enrollment.id", num(1_000_000_000L + index));
                    set(tree, "data.enrollment.status", num(r.nextInt(2)));
                    if (r.nextBoolean()) {
                        set(tree, "data.enrollment.date_expire", str(LocalDate.ofInstant(when, ZoneOffset.UTC).plusDays(365).toString()));
                    }
                    set(tree, "data.user.id", num(1 + r.nextInt(1_000_000_000)));
                }
                case "digitalchalk" -> {
                    int kind = r.nextInt(10);
                    set(tree, "event", str(kind < 6 ? "offering_completed" : kind < 9 ? "offering_registered" : "user_created"));
                    set(tree, "date", str(when.toString()));
                    set(tree, "user.id", str(hex(32)));
                    set(tree, "registration.id", str(String.format("%016x", index) + hex(16)));
                    set(tree, "registration.grade", new Raw(r.nextInt(1001) / 10.0 + ""));
                    set(tree, "registration.passed", new Raw(Boolean.toString(r.nextBoolean())));
                    set(tree, "offering.id", str(hex(32)));
                    set(tree, "source", str(r.nextBoolean() ? "SELF" : "ADMIN"));
                }
                case "tagmango" -> {
                    set(tree, "email", str("learner+" + index + "@example.com"));
                    set(tree, "phone", num(1_000_000_000L + r.nextLong(9_000_000_000L)));
                    set(tree, "courseId", str(hex(24)));
                    set(tree, "lastProgressOn", str(r.nextBoolean() ? ISO_MINUTES.format(when) : when.toString()));
                }
                default -> {
                    if (r.nextInt(20) == 0) {
                        set(tree, "resource", str("order"));
                        set(tree, "action", str("created"));
                    }
                    set(tree, "id", str(String.format("%010d%013d", Math.floorMod(seed, 10_000_000_000L), index)));
                    set(tree, "created_at", str(ISO_MILLIS.format(when)));
                    set(tree, "payload.course.id", num(1 + r.nextInt(100_000)));
                    set(tree, "payload.user.id", num(1 + r.nextInt(1_000_000_000)));
                    set(tree, "payload.percentage_completed", str(r.nextInt(1001) / 10.0 + ""));
                }
            }
        }

        String hex(int digits) {
            StringBuilder sb = new StringBuilder(digits);
            for (int i = 0; i < digits; i++) {
                sb.append(Character.forDigit(r.nextInt(16), 16));
            }
            return sb.toString();
        }

        // ------------------------------------------------------------------ the sweep

        void sweep(long item) {
            category = "sweep";
            List<String> paths = samplePaths.get(vendor);
            String path = paths.get((int) (item % paths.size()));
            Hostile value = SWEEP.get((int) (item / paths.size() % SWEEP.size()));
            if (value == MISSING) {
                remove(tree, path);
            } else {
                set(tree, path, value.value());
            }
            notes.add(path + " := " + value.label());
        }

        // ------------------------------------------------------------------ random categories

        void random() {
            int roll = r.nextInt(100);
            if (roll < 6) {
                category = "valid";
            } else if (roll < 30) {
                category = "hostile-values";
                int n = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
                for (int i = 0; i < n; i++) {
                    hostileAtRandomPath();
                }
            } else if (roll < 36) {
                category = "missing-fields";
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    List<String> paths = paths(tree);
                    if (!paths.isEmpty()) {
                        String path = pick(paths);
                        remove(tree, path);
                        notes.add("-" + path);
                    }
                }
            } else if (roll < 42) {
                category = "extra-fields";
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    extraField();
                }
            } else if (roll < 45) {
                category = "type-swap";
                List<String> paths = paths(tree);
                String to = pick(paths);
                String from = pick(paths);
                J value = get(tree, from);
                if (value != null && !to.startsWith(from + ".")) {
                    set(tree, to, value.copy());
                }
                notes.add(to + " := value of " + from);
            } else if (roll < 65) {
                category = "byte-mutations";
                if (r.nextBoolean()) {
                    hostileAtRandomPath();
                }
                byteMutations();
            } else if (roll < 71) {
                category = "deep-nesting";
                deepNesting();
            } else if (roll < 75) {
                category = "duplicate-keys";
                duplicateKey();
            } else if (roll < 79) {
                category = "trailing-garbage";
                trailingGarbage();
            } else if (roll < 81) {
                category = "empty";
                emptyBody();
            } else if (roll < 85) {
                category = "non-object";
                nonObject();
            } else if (roll < 90) {
                category = "lenient-syntax";
                lenientSyntax();
            } else if (roll < 94) {
                category = "encoding";
                encoding();
            } else if (roll < 97 && !headers.isEmpty()) {
                category = "hostile-header";
                String name = headers.keySet().iterator().next();
                String value = HOSTILE_HOSTS[r.nextInt(HOSTILE_HOSTS.length)];
                headers.put(name, value);
                notes.add(name + ": " + label(value));
            } else {
                category = "hostile-values";
                hostileAtRandomPath();
            }
        }

        <T> T pick(List<T> list) {
            return list.get(r.nextInt(list.size()));
        }

        String pick(String[] array) {
            return array[r.nextInt(array.length)];
        }

        void hostileAtRandomPath() {
            List<String> paths = paths(tree);
            if (paths.isEmpty()) {
                return;
            }
            String path = pick(paths);
            Hostile h = hostile(get(tree, path));
            set(tree, path, h.value());
            notes.add(path + " := " + h.label());
        }

        /** A hostile value, biased towards dates for a field that holds one. */
        Hostile hostile(J current) {
            if (current instanceof Raw raw && DATE_LIKE.matcher(raw.text()).find() && r.nextInt(100) < 45) {
                return date();
            }
            int roll = r.nextInt(100);
            if (roll < 10) {
                Hostile h = SWEEP.get(r.nextInt(SWEEP.size() - 1)); // not MISSING
                return h;
            }
            if (roll < 35) {
                return number();
            }
            if (roll < 55) {
                return string();
            }
            if (roll < 67) {
                return date();
            }
            if (roll < 77) {
                return Hostile.raw(pick(ESCAPED_STRINGS));
            }
            if (roll < 89) {
                return structure();
            }
            if (roll < 95) {
                return Hostile.raw(pick(new String[] { "true", "false", "null" }));
            }
            return Hostile.raw(pick(INVALID_LITERALS));
        }

        Hostile number() {
            if (r.nextBoolean()) {
                return Hostile.raw(pick(SPECIAL_NUMBERS));
            }
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(5) == 0) {
                sb.append('-');
            }
            int[] lengths = { 1, 2, 3, 10, 19, 20, 63, 64, 65, 128, 400 };
            int len = r.nextBoolean() ? lengths[r.nextInt(lengths.length)] : 1 + r.nextInt(500);
            sb.append(len == 1 ? (char) ('0' + r.nextInt(10)) : (char) ('1' + r.nextInt(9)));
            for (int i = 1; i < len; i++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
            if (r.nextInt(10) < 3) {
                sb.append('.');
                int frac = 1 + r.nextInt(40);
                for (int i = 0; i < frac; i++) {
                    sb.append((char) ('0' + r.nextInt(10)));
                }
            }
            if (r.nextInt(4) == 0) {
                int[] exponents = { 0, 1, 2, 10, 308, 309, 324, 400, 999, 99999 };
                sb.append(r.nextBoolean() ? 'e' : 'E').append(pick(new String[] { "", "+", "-" }))
                        .append(r.nextBoolean() ? exponents[r.nextInt(exponents.length)] : r.nextInt(1001));
            }
            return Hostile.raw(sb.toString());
        }

        Hostile string() {
            int[] lengths = { 0, 1, 2, 8, 64, 127, 128, 129, 255, 256, 1024, 3000, 4096 };
            int len = r.nextBoolean() ? lengths[r.nextInt(lengths.length)] : r.nextInt(4001);
            int alphabet = r.nextInt(6);
            StringBuilder sb = new StringBuilder(len + 2).append('"');
            for (int i = 0; i < len; i++) {
                switch (alphabet) {
                    case 0 -> appendChar(sb, (char) (0x20 + r.nextInt(0x5f))); // printable ASCII
                    case 1 -> sb.append((char) ('0' + r.nextInt(10)));
                    case 2 -> { // BMP, no surrogates: combining marks, RTL, zero-width, U+FFFE/FFFF...
                        char c = (char) (0xA0 + r.nextInt(0xD800 - 0xA0));
                        if (r.nextInt(8) == 0) {
                            c = "\u0300\u202e\u200b\ufeff\uffff\ufffe\u2028\u0085\u00a0".charAt(r.nextInt(9));
                        }
                        sb.append(c);
                    }
                    case 3 -> sb.appendCodePoint(0x1F300 + r.nextInt(0x2FF)); // astral (emoji)
                    case 4 -> sb.append(String.format("\\u%04x", r.nextInt(0x10000))); // every escape, lone surrogates too
                    default -> sb.append(pick(new String[] { "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u0000", "\\ud800", "a", "é", "👩‍🎓" }));
                }
            }
            String text = sb.append('"').toString();
            String[] alphabets = { "ascii", "digits", "bmp", "astral", "u-escapes", "escapes" };
            return new Hostile(new Raw(text), "string(" + len + " " + alphabets[alphabet] + ")");
        }

        void appendChar(StringBuilder sb, char c) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }

        Hostile date() {
            String y = pick(YEARS);
            String mo = r.nextInt(4) == 0 ? pick(new String[] { "00", "13", "1", "02" }) : String.format("%02d", 1 + r.nextInt(12));
            String d = r.nextInt(4) == 0 ? pick(new String[] { "00", "29", "30", "31", "32", "1" }) : String.format("%02d", 1 + r.nextInt(28));
            String h = r.nextInt(5) == 0 ? pick(new String[] { "24", "25", "1" }) : String.format("%02d", r.nextInt(24));
            String mi = r.nextInt(6) == 0 ? "60" : String.format("%02d", r.nextInt(60));
            String s = r.nextInt(6) == 0 ? pick(new String[] { "60", "61" }) : String.format("%02d", r.nextInt(60));
            String frac = pick(new String[] { "", "", ".5", ".123", ".123456789", ".1234567890", ".000" });
            String off = pick(OFFSETS);
            String text = switch (r.nextInt(9)) {
                case 0, 1 -> y + "-" + mo + "-" + d + "T" + h + ":" + mi + ":" + s + frac + off;
                case 2 -> y + "-" + mo + "-" + d + "T" + h + ":" + mi + off;
                case 3 -> y + "-" + mo + "-" + d + " " + h + ":" + mi + ":" + s;
                case 4 -> y + "-" + mo + "-" + d;
                case 5 -> {
                    int year;
                    try {
                        year = Integer.parseInt(y.replace("+", ""));
                    } catch (NumberFormatException e) {
                        year = 2023;
                    }
                    int month = Math.max(1, Math.min(12, Integer.parseInt(mo)));
                    String offset = off.length() == 6 ? off : "+00:00";
                    String rails = rails(year, month, Math.max(1, Integer.parseInt(d)), h + ":" + mi + ":" + s, offset);
                    yield r.nextInt(4) == 0 ? "Sun" + rails.substring(3) : rails; // sometimes the wrong weekday
                }
                case 6 -> "Mon, " + d + " Nov " + y + " " + h + ":" + mi + ":" + s + " GMT";
                case 7 -> pick(new String[] { "1700000000", "-62135596800", "253402300800", "0", "99999999999999" });
                default -> " " + y + "-" + mo + "-" + d + "t" + h + ":" + mi + ":" + s + "z ";
            };
            return r.nextInt(10) == 0 ? Hostile.raw(text.replaceAll("[^0-9]", "")) : Hostile.raw(quote(text));
        }

        Hostile structure() {
            return switch (r.nextInt(8)) {
                case 0 -> Hostile.raw(pick(new String[] { "[]", "{}", "[null]", "[1e999]", "[\"a\",\"b\"]", "{\"id\":1e999}",
                        "{\"\":\"\"}", "[[[]]]", "{\"a\":{\"b\":{\"c\":{}}}}" }));
                case 1, 2 -> {
                    Arr a = new Arr();
                    int n = r.nextInt(50);
                    for (int i = 0; i < n; i++) {
                        a.items.add(number().value());
                    }
                    yield new Hostile(a, "array(" + n + ")");
                }
                case 3, 4 -> {
                    Obj o = new Obj();
                    int n = r.nextInt(20);
                    for (int i = 0; i < n; i++) {
                        o.members.add(new Member("k" + i, pick(HOSTILE_KEYS), string().value()));
                    }
                    yield new Hostile(o, "object(" + n + ")");
                }
                case 5 -> new Hostile(samples.get(vendor).get(0).copy(), "the whole sample");
                default -> new Hostile(tree.copy(), "the whole body");
            };
        }

        void extraField() {
            List<Obj> objects = new ArrayList<>();
            collectObjects(tree, objects);
            Obj target = pick(objects);
            String key = pick(HOSTILE_KEYS);
            Hostile value = r.nextBoolean() ? hostile(null) : Hostile.raw(quote("extra"));
            target.members.add(new Member("extra" + target.members.size(), key, value.value()));
            notes.add("+" + label(key) + " := " + value.label());
        }

        void collectObjects(Obj obj, List<Obj> out) {
            out.add(obj);
            for (Member m : obj.members) {
                if (m.value instanceof Obj child) {
                    collectObjects(child, out);
                }
            }
        }

        void duplicateKey() {
            List<Obj> objects = new ArrayList<>();
            collectObjects(tree, objects);
            objects.removeIf(o -> o.members.isEmpty());
            Obj target = pick(objects);
            Member m = pick(target.members);
            String key = m.rawKey;
            String how = "same key";
            if (r.nextBoolean() && m.name.length() > 0 && m.name.charAt(0) < 0x80) {
                key = "\"" + String.format("\\u%04x", (int) m.name.charAt(0)) + m.rawKey.substring(2); // "\u0065mail" is "email"
                how = "escaped key";
            }
            J value = r.nextBoolean() ? m.value.copy() : hostile(m.value).value();
            int at = r.nextBoolean() ? target.members.size() : target.members.indexOf(m) + 1;
            target.members.add(at, new Member(m.name, key, value));
            notes.add(how + " " + m.name + " twice");
        }

        void deepNesting() {
            int[] depths = { 10, 31, 32, 33, 64, 100, 1000, 5000, 10000 };
            int depth = depths[r.nextInt(depths.length)];
            int shape = r.nextInt(4);
            StringBuilder sb = new StringBuilder(depth * 6 + 8);
            switch (shape) {
                case 0 -> sb.append("[".repeat(depth)).append("1").append("]".repeat(depth));
                case 1 -> sb.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth));
                case 2 -> {
                    for (int i = 0; i < depth; i++) {
                        sb.append(i % 2 == 0 ? "[" : "{\"a\":");
                    }
                    sb.append("null");
                    for (int i = depth - 1; i >= 0; i--) {
                        sb.append(i % 2 == 0 ? "]" : "}");
                    }
                }
                default -> sb.append("[".repeat(depth)); // never closed
            }
            String[] shapes = { "arrays", "objects", "mixed", "unclosed" };
            if (r.nextInt(3) == 0) {
                bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                notes.add("whole body: " + depth + " levels of " + shapes[shape]);
            } else {
                String path = pick(paths(tree));
                set(tree, path, new Raw(sb.toString()));
                notes.add(path + " := " + depth + " levels of " + shapes[shape]);
            }
        }

        String text() {
            return write(tree, pretty);
        }

        void trailingGarbage() {
            String[] garbage = { "}", "]", ",", "x", "{}", "[]", " {\"a\":1}", "\u0000", "//c", "/*c*/", "\n\n", "null", "\"s\"",
                    text() };
            if (r.nextInt(5) == 0) {
                byte[] body = text().getBytes(StandardCharsets.UTF_8);
                byte[] junk = new byte[1 + r.nextInt(20)];
                r.nextBytes(junk);
                bytes = concat(body, junk);
                notes.add(junk.length + " random bytes");
            } else {
                String g = pick(garbage);
                bytes = (text() + g).getBytes(StandardCharsets.UTF_8);
                notes.add(label(g.length() > 40 ? "a second body" : g));
            }
        }

        void emptyBody() {
            byte[][] bodies = { {}, { ' ' }, { '\r', '\n' }, { '\t', ' ', '\n' }, BOM, { 0 }, { (byte) 0xFE, (byte) 0xFF } };
            bytes = bodies[r.nextInt(bodies.length)];
            notes.add(bytes.length + " bytes");
        }

        void nonObject() {
            String[] bodies = { "[]", "[" + text() + "]", "\"text\"", "42", "1e999", "-0", "null", "true", "\"\\ud800\"",
                    "[[[[[]]]]]", "0", quote(text()), "[{}]", "\"\"" };
            String body = pick(bodies);
            bytes = body.getBytes(StandardCharsets.UTF_8);
            notes.add(label(body));
        }

        void lenientSyntax() {
            String text = text();
            String how;
            switch (r.nextInt(8)) {
                case 0 -> {
                    text = text.replaceFirst("\"([A-Za-z_]+)\"\\s*:", "'$1':");
                    how = "single-quoted key";
                }
                case 1 -> {
                    text = text.replaceFirst("\"([A-Za-z_]+)\"\\s*:", "$1:");
                    how = "unquoted key";
                }
                case 2 -> {
                    int end = text.lastIndexOf('}');
                    text = text.substring(0, end) + ",}";
                    how = "trailing comma";
                }
                case 3 -> {
                    text = "{/* comment */" + text.substring(1);
                    how = "block comment";
                }
                case 4 -> {
                    text = "{// comment\n" + text.substring(1);
                    how = "line comment";
                }
                case 5 -> {
                    text = text.replaceFirst(":\\s*\"", ":'").replaceFirst("\"\\s*,", "',");
                    how = "single-quoted value";
                }
                case 6 -> {
                    text = text.replace(",", " , ").replace(":", "\u00a0:"); // NBSP is not JSON whitespace
                    how = "NBSP as whitespace";
                }
                default -> {
                    text = text.replace("\"", "\u201c");
                    how = "curly quotes";
                }
            }
            bytes = text.getBytes(StandardCharsets.UTF_8);
            notes.add(how);
        }

        void encoding() {
            String how;
            switch (r.nextInt(8)) {
                case 0 -> how = "UTF-16BE";
                case 1 -> how = "UTF-16LE";
                case 2 -> how = "UTF-16"; // with a BOM
                case 3 -> how = "UTF-32BE";
                case 4 -> how = "UTF-8+BOM";
                case 5 -> how = "ISO-8859-1";
                case 6 -> how = "CESU-8";
                default -> how = "overlong";
            }
            // A name with non-ASCII letters and an astral character, so every encoding differs from UTF-8.
            String nameField = nameField();
            if (nameField != null) {
                set(tree, nameField, str("Zoë Ångström 🎓"));
            }
            String text = text();
            bytes = switch (how) {
                case "UTF-8+BOM" -> concat(BOM, text.getBytes(StandardCharsets.UTF_8));
                case "CESU-8" -> replaceAll(text.getBytes(StandardCharsets.UTF_8), "🎓".getBytes(StandardCharsets.UTF_8),
                        new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0xBC, (byte) 0xED, (byte) 0xBE, (byte) 0x93 });
                case "overlong" -> replaceAll(text.getBytes(StandardCharsets.UTF_8), "Zo".getBytes(StandardCharsets.UTF_8),
                        new byte[] { (byte) 0xC1, (byte) 0x9A, (byte) 0xE0, (byte) 0x81, (byte) 0xAF });
                default -> text.getBytes(Charset.forName(how.equals("ISO-8859-1") ? "ISO-8859-1" : how));
            };
            notes.add(how + (nameField == null ? "" : " (" + nameField + " non-ASCII)"));
        }

        String nameField() {
            return switch (vendor) {
                case "zapnito" -> "user_name";
                case "toolzz" -> "data.user.name";
                case "digitalchalk" -> "user.firstName";
                case "tagmango" -> "name";
                default -> "payload.user.first_name";
            };
        }

        void byteMutations() {
            List<Byte> b = new ArrayList<>();
            for (byte x : text().getBytes(StandardCharsets.UTF_8)) {
                b.add(x);
            }
            int n = 1 + (r.nextInt(3) == 0 ? r.nextInt(8) : 0);
            for (int i = 0; i < n; i++) {
                int at = b.isEmpty() ? 0 : r.nextInt(b.size() + 1);
                switch (r.nextInt(12)) {
                    case 0 -> {
                        if (at < b.size()) {
                            int bit = r.nextInt(8);
                            b.set(at, (byte) (b.get(at) ^ (1 << bit)));
                            notes.add("flip bit " + bit + " @" + at);
                        }
                    }
                    case 1 -> {
                        if (at < b.size()) {
                            byte v = (byte) r.nextInt(256);
                            b.set(at, v);
                            notes.add(String.format("byte 0x%02x @%d", v & 0xff, at));
                        }
                    }
                    case 2 -> {
                        byte v = (byte) r.nextInt(256);
                        b.add(at, v);
                        notes.add(String.format("insert 0x%02x @%d", v & 0xff, at));
                    }
                    case 3 -> {
                        if (at < b.size()) {
                            int len = Math.min(b.size() - at, 1 + r.nextInt(16));
                            b.subList(at, at + len).clear();
                            notes.add("delete " + len + " @" + at);
                        }
                    }
                    case 4 -> {
                        if (at < b.size()) {
                            int len = Math.min(b.size() - at, 1 + r.nextInt(32));
                            b.addAll(at, new ArrayList<>(b.subList(at, at + len)));
                            notes.add("duplicate " + len + " @" + at);
                        }
                    }
                    case 5 -> {
                        b.subList(at, b.size()).clear();
                        notes.add("truncate @" + at);
                    }
                    case 6, 7 -> {
                        byte[] seq = INVALID_UTF8[r.nextInt(INVALID_UTF8.length)];
                        int where = r.nextBoolean() ? insideAString(b, at) : at;
                        for (int k = seq.length - 1; k >= 0; k--) {
                            b.add(where, seq[k]);
                        }
                        notes.add("invalid UTF-8 " + hexOf(seq) + " @" + where);
                    }
                    case 8 -> {
                        int where = insideAString(b, at);
                        b.add(where, (byte) 0);
                        notes.add("NUL @" + where);
                    }
                    case 9 -> {
                        int where = r.nextBoolean() ? 0 : at;
                        for (int k = BOM.length - 1; k >= 0; k--) {
                            b.add(where, BOM[k]);
                        }
                        notes.add("BOM @" + where);
                    }
                    case 10 -> {
                        int where = insideAString(b, at);
                        byte c = (byte) r.nextInt(0x20);
                        b.add(where, c);
                        notes.add(String.format("raw control 0x%02x @%d", c, where));
                    }
                    default -> {
                        if (b.size() > 1) {
                            int other = r.nextInt(b.size());
                            int here = Math.min(at, b.size() - 1);
                            Byte tmp = b.get(here);
                            b.set(here, b.get(other));
                            b.set(other, tmp);
                            notes.add("swap @" + here + " @" + other);
                        }
                    }
                }
            }
            bytes = new byte[b.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = b.get(i);
            }
        }

        /** A position just after a {@code "} at or after {@code from} (inside a key or string, mostly). */
        int insideAString(List<Byte> b, int from) {
            for (int i = Math.min(from, b.size()); i < b.size(); i++) {
                if (b.get(i) == '"') {
                    return i + 1;
                }
            }
            return Math.min(from, b.size());
        }
    }

    private static String hexOf(byte[] seq) {
        StringBuilder sb = new StringBuilder();
        for (byte x : seq) {
            sb.append(String.format("%02X", x & 0xff));
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] replaceAll(byte[] in, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        int i = 0;
        while (i < in.length) {
            if (i + what.length <= in.length && java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                out.writeBytes(with);
                i += what.length;
            } else {
                out.write(in[i++]);
            }
        }
        return out.toByteArray();
    }
}

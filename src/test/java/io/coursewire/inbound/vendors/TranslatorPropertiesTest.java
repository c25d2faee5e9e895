package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.rawBody;
import static io.coursewire.support.Properties.between;
import static io.coursewire.support.Properties.bytes;
import static io.coursewire.support.Properties.chars;
import static io.coursewire.support.Properties.list;
import static io.coursewire.support.Properties.pick;
import static io.coursewire.support.Properties.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.InboundJson;
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;
import io.coursewire.support.Properties;
import io.coursewire.support.Properties.Generator;

/**
 * Any JSON value at any field, for every translator: the outcome is a mapped event that validates
 * against the canonical schema (and the limits of PRODUCT.md §2), an ignored kind, or an
 * {@link InvalidPayloadException} naming a field (no field only when the body as a whole is at fault),
 * never another exception. Bodies are the vendor fixtures with one to three paths (present, missing or
 * new) replaced by generated JSON text, or removed, and are parsed by {@link InboundJson} as production
 * parses them, so {@code 1e999}, {@code -0}, lone-surrogate escapes and 64-digit integers arrive as a
 * vendor would send them. Inputs come from {@link Properties}: seeded, so a failure names the seed that
 * replays it.
 */
class TranslatorPropertiesTest {

    /**
     * Tries per property. The generators mix in the edges that matter here themselves (1e999, -0, years
     * 0000 and 10000, lone surrogates).
     */
    private static final int TRIES = 2000;

    /** Values the generators send that must never show up in an exception message. */
    private static final String SENTINEL = "secret-4711";
    private static final String SENTINEL_NUMBER = "98765432123";

    /** A generated request: the body's bytes, its headers, and the zone Toolzz is configured with. */
    record Case(byte[] body, Map<String, String> headers, ZoneId zone) {
        RequestHeaders requestHeaders() {
            return RequestHeaders.of(headers);
        }

        @Override
        public String toString() {
            return "headers=" + headers + " zone=" + zone + " body=" + Properties.show(body);
        }
    }

    // ---- the properties, one per translator ----

    @Test
    void zapnito() {
        translates("zapnito", cases(List.of("zapnito-course-participation-updated.json"), ZapnitoTranslator.HOST_HEADER,
                List.of("course_id", "user_id", "user_email", "user_name", "course_title", "completion_percent",
                        "course_completion_threshold", "updated_at"), false),
                c -> new ZapnitoTranslator());
    }

    @Test
    void toolzz() {
        translates("toolzz", cases(List.of("toolzz-course-completed.json"), null,
                List.of("event.slug", "event.send_at", "data.course.id", "data.user.id", "data.user.email",
                        "data.institution.id", "data.enrollment.id", "data.enrollment.date_expire",
                        "data.enrollment.status", "data.user.cpf", "data.user.nickname", "data.user.uuid",
                        "data.enrollment.actived"), true),
                c -> new ToolzzTranslator(c.zone()));
    }

    @Test
    void digitalchalk() {
        translates("digitalchalk", cases(List.of("digitalchalk-offering-completed.json"), null,
                List.of("event", "date", "offering.id", "user.id", "user.email", "registration.id", "registration.grade",
                        "registration.passed", "registration.beginDate", "registration.endDate", "source"), false),
                c -> new DigitalChalkTranslator());
    }

    @Test
    void tagmango() {
        translates("tagmango", cases(List.of("tagmango-course-completed.json"), null,
                List.of("courseId", "email", "lastProgressOn", "phone", "name", "course"), false),
                c -> new TagMangoTranslator());
    }

    @Test
    void thinkific() {
        translates("thinkific", cases(List.of("thinkific-enrollment-created.json", "thinkific-enrollment-progress.json",
                "thinkific-enrollment-completed.json"), ThinkificTranslator.SUBDOMAIN_HEADER,
                List.of("id", "resource", "action", "tenant_id", "created_at", "payload.course.id", "payload.course_id",
                        "payload.user.id", "payload.user.email", "payload.percentage_completed", "payload.activated_at"), false),
                c -> new ThinkificTranslator());
    }

    /** Whatever the bytes, the parser answers a tree or a 400 about the body as a whole. */
    @Test
    void anyBytesParseOrAreRefusedAsAWhole() {
        List<byte[]> fixtures = new ArrayList<>();
        for (String name : List.of("zapnito-course-participation-updated.json", "toolzz-course-completed.json",
                "digitalchalk-offering-completed.json", "tagmango-course-completed.json", "thinkific-enrollment-created.json")) {
            fixtures.add(fixture(name).toString().getBytes(StandardCharsets.UTF_8));
        }
        Properties.check("TranslatorPropertiesTest.anyBytesParseOrAreRefusedAsAWhole", TRIES, r -> corruptBody(r, fixtures), body -> {
            try {
                assertThat(InboundJson.parse(body)).isNotNull();
            } catch (InvalidPayloadException e) {
                assertThat(e.field()).isNull();
            }
        });
    }

    /**
     * Every case of {@code cases} through {@link #check} with its translator; then the share of mapped
     * outcomes over the whole run.
     */
    private static void translates(String name, Generator<Case> cases, Function<Case, VendorTranslator> translator) {
        Map<String, Integer> outcomes = new TreeMap<>();
        Properties.Run run = Properties.check("TranslatorPropertiesTest." + name, TRIES, cases,
                c -> outcomes.merge(check(translator.apply(c), c), 1, Integer::sum));
        // Not vacuous: a fair share of the cases must get all the way to a mapped event.
        double mapped = 100.0 * outcomes.getOrDefault("mapped", 0) / run.tries();
        assertThat(mapped).as("%% of cases mapped, %s; outcomes %s", run, outcomes).isGreaterThanOrEqualTo(10.0);
    }

    // ---- the check every case goes through ----

    /** The outcome of {@code c}, after checking it: "mapped", "ignored", "400, field" or "400, body". */
    private static String check(VendorTranslator translator, Case c) {
        JsonNode payload;
        try {
            payload = InboundJson.parse(c.body());
        } catch (InvalidPayloadException e) {
            assertThat(e.field()).as("a body that does not parse is at fault as a whole").isNull();
            assertQuotesNoValue(e);
            return "400, body";
        }
        Translation translation;
        try {
            translation = translator.translate(payload, c.requestHeaders());
        } catch (InvalidPayloadException e) {
            if (payload.isObject()) {
                assertThat(e.field()).as("the 400 of an object body names a field").isNotNull();
                assertThat(e.getMessage()).contains("'" + e.field() + "'");
            } else {
                assertThat(e.field()).as("a body that is not an object is at fault as a whole").isNull();
            }
            assertQuotesNoValue(e);
            return "400, field";
        }
        // Any other exception fails the property.
        if (translation instanceof Translation.Ignored ignored) {
            assertThat(ignored.vendor()).isEqualTo(translator.vendor());
            return "ignored";
        }
        CanonicalEvent event = TranslatorTesting.mapped(translation); // the schema, and evt_ + 32 hex digits
        assertWithinTheLimits(event);
        Translation again = translator.translate(payload, c.requestHeaders());
        assertThat(((Translation.Mapped) again).event().id()).as("a retry gets the same id").isEqualTo(event.id());
        return "mapped";
    }

    private static void assertQuotesNoValue(InvalidPayloadException e) {
        assertThat(e.getMessage()).doesNotContain(SENTINEL).doesNotContain(SENTINEL_NUMBER).hasSizeLessThan(200);
    }

    /** What the schema cannot say: §2's limits, and text that has a UTF-8 form. */
    private static void assertWithinTheLimits(CanonicalEvent event) {
        CanonicalEvent.Data d = event.data();
        for (String id : new String[] { d.vendorEventId(), d.tenant().id(), d.learner().id(), d.course().id(),
                d.enrollment().id(), d.learner().phone() }) {
            assertThat(id == null || id.codePointCount(0, id.length()) <= Fields.MAX_ID_LENGTH).as("id %s", id).isTrue();
        }
        for (var time : new java.time.Instant[] { event.time(), d.enrollment().startedAt(), d.enrollment().completedAt(),
                d.enrollment().expiresAt() }) {
            assertThat(time == null || Times.isRfc3339(time)).as("time %s", time).isTrue();
        }
        for (Double number : new Double[] { d.progress().percent(), d.progress().threshold(), d.result().score() }) {
            assertThat(number == null || Double.isFinite(number)).isTrue();
        }
        assertWellFormed(tree(event));
    }

    private static void assertWellFormed(JsonNode node) {
        if (node.isTextual()) {
            assertThat(Fields.wellFormed(node.textValue())).as("text with a UTF-8 form").isSameAs(node.textValue());
        }
        node.properties().forEach(field -> {
            assertThat(Fields.wellFormed(field.getKey())).as("a key with a UTF-8 form").isSameAs(field.getKey());
            assertWellFormed(field.getValue());
        });
        if (node.isArray()) {
            node.forEach(TranslatorPropertiesTest::assertWellFormed);
        }
    }

    private static JsonNode tree(CanonicalEvent event) {
        try {
            return CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    // ---- requests: a fixture with edits, or a body that is wrong as a whole ----

    /**
     * Requests built from {@code fixtures}: one to three edits at paths present in the fixture, paths the
     * translator reads ({@code read}, which the fixture may lack) or new ones, each a generated value or a
     * removal; now and then a body wrong as a whole. {@code header}: the header the translator reads, if any;
     * {@code zoned}: whether the translator is configured with a zone.
     */
    private static Generator<Case> cases(List<String> fixtures, String header, List<String> read, boolean zoned) {
        Map<String, ObjectNode> samples = new HashMap<>();
        Map<String, byte[]> bytes = new HashMap<>();
        TreeSet<String> paths = new TreeSet<>(read);
        for (String name : fixtures) {
            ObjectNode sample = fixture(name);
            samples.put(name, sample);
            bytes.put(name, sample.toString().getBytes(StandardCharsets.UTF_8));
            collectPaths(sample, "", paths);
        }
        paths.addAll(List.of("extra", "extra.deep.field", read.get(0) + ".below"));
        List<String> pathList = List.copyOf(paths);
        return r -> {
            byte[] body;
            if (weighted(r, 12, 1) == 0) {
                String name = pick(r, fixtures);
                Map<String, String> raw = new LinkedHashMap<>();
                for (int i = between(r, 1, 3); i > 0; i--) {
                    raw.put(pick(r, pathList), r.nextInt(10) == 0 ? null : value(r, 2)); // null: remove the path
                }
                body = rawBody(samples.get(name), raw).getBytes(StandardCharsets.UTF_8);
            } else {
                int wrong = r.nextInt(fixtures.size() + 1);
                body = wrong == 0 ? value(r, 3).getBytes(StandardCharsets.UTF_8) : corrupt(r, bytes.get(fixtures.get(wrong - 1)));
            }
            return new Case(body, headers(r, header), zoned ? zone(r) : null);
        };
    }

    /** Every path in {@code node}, objects included: the fields to replace. */
    private static void collectPaths(JsonNode node, String prefix, TreeSet<String> paths) {
        node.properties().forEach(field -> {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            paths.add(path);
            if (field.getValue().isObject()) {
                collectPaths(field.getValue(), path, paths);
            }
        });
    }

    /** A fixture of {@code fixtures} corrupted, any bytes, or any JSON value. */
    private static byte[] corruptBody(SplittableRandom r, List<byte[]> fixtures) {
        int choice = r.nextInt(fixtures.size() + 2);
        if (choice < fixtures.size()) {
            return corrupt(r, fixtures.get(choice));
        }
        return choice == fixtures.size() ? bytes(r, 0, 200) : value(r, 4).getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[][] ODD_BYTES = { { (byte) 0xFF }, { (byte) 0xC0, (byte) 0x80 },
            { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { 0 }, { (byte) 0xFE, (byte) 0xFF },
            "\"".getBytes(StandardCharsets.UTF_8), "\\u".getBytes(StandardCharsets.UTF_8), { (byte) 0xE2, (byte) 0x82 } };

    /** {@code body} cut short, with bytes that are not UTF-8 spliced in, nested too deep, or with a duplicate key. */
    private static byte[] corrupt(SplittableRandom r, byte[] body) {
        return switch (r.nextInt(4)) {
            case 0 -> Arrays.copyOf(body, between(r, 0, body.length));
            case 1 -> splice(body, between(r, 0, body.length), pick(r, ODD_BYTES));
            case 2 -> {
                int depth = between(r, 30, 40);
                yield ("{\"a\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
            default -> splice(body, 1, "\"dup\":1,\"dup\":2,".getBytes(StandardCharsets.UTF_8));
        };
    }

    private static byte[] splice(byte[] body, int at, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(inserted);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /** Absent, usual, or any text HTTP can carry (ISO-8859-1) and beyond; the name in any case. */
    private static Map<String, String> headers(SplittableRandom r, String name) {
        if (name == null || weighted(r, 1, 4) == 0) {
            return Map.of();
        }
        String value = switch (weighted(r, 3, 2, 1, 1)) {
            case 0 -> pick(r, "acme-academy", "community.acme.org", " padded.example.org ", "", "   ");
            case 1 -> chars(r, '\u0020', '\u00FF', 0, 300);
            case 2 -> longText(r);
            default -> chars(r, '\u0020', '\uD7FF', 0, 100);
        };
        return Map.of(pick(r, name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT)), value);
    }

    /** Every zone the JVM knows, and the extreme fixed offsets. */
    private static final List<ZoneId> ZONES = zones();

    private static List<ZoneId> zones() {
        List<ZoneId> zones = new ArrayList<>();
        new TreeSet<>(ZoneId.getAvailableZoneIds()).forEach(id -> zones.add(ZoneId.of(id)));
        zones.addAll(List.of(ZoneId.of("Z"), ZoneId.of("+14:00"), ZoneId.of("-12:00"), ZoneId.of("+18:00"), ZoneId.of("-18:00")));
        return List.copyOf(zones);
    }

    /** Mostly the default, else any zone of {@link #ZONES}. */
    private static ZoneId zone(SplittableRandom r) {
        return weighted(r, 3, 2) == 0 ? ZoneId.of("America/Sao_Paulo") : pick(r, ZONES);
    }

    // ---- JSON values, as text ----

    private static final String[] KEYS = { "id", "a", "x", "\\ud800", SENTINEL };

    /** Any JSON value, as the text a vendor would send; containers nest up to {@code depth} levels. */
    private static String value(SplittableRandom r, int depth) {
        int choice = depth > 0 ? weighted(r, 6, 9, 1, 1, 1) : weighted(r, 6, 9, 1);
        return switch (choice) {
            case 0 -> number(r);
            case 1 -> string(r);
            case 2 -> pick(r, "true", "false", "null");
            case 3 -> "[" + String.join(",", list(r, 0, 4, inner -> value(inner, depth - 1))) + "]";
            default -> {
                // Up to three members, no key twice.
                List<String> keys = new ArrayList<>(List.of(KEYS));
                List<String> members = new ArrayList<>();
                for (int n = between(r, 0, 3); n > 0; n--) {
                    members.add("\"" + keys.remove(r.nextInt(keys.size())) + "\":" + value(r, depth - 1));
                }
                yield "{" + String.join(",", members) + "}";
            }
        };
    }

    private static final String[] NUMBER_EDGES = {
            "0", "-0", "-0.0", "0.0", "1", "-1", "2", "100", "100.0", "100.0000000000001", "99.99999999999999999", "101",
            "-0.5", "0.5", "1e999", "-1e999", "1E+400", "-1E+400", "1e-999", "-1e-999", "4.9e-324", "1.7976931348623157e308",
            "1.7976931348623159e308", "1e300", "-1e300", "1e20", "1e2", "1E2", "1.5e2", "12345678901234567890.0",
            "9007199254740993", "9007199254740993.0", "9".repeat(64), "9".repeat(65), "-" + "9".repeat(64),
            "1.23456789E9", "58.0", "24", "18", "80", "-9223372036854775809", "18446744073709551616", SENTINEL_NUMBER,
            "0." + "3".repeat(60) };

    private static String number(SplittableRandom r) {
        return switch (weighted(r, 4, 2, 2, 1, 2, 2)) {
            case 0 -> pick(r, NUMBER_EDGES);
            // Any long, of any magnitude (a uniform draw would nearly always have 19 digits).
            case 1 -> String.valueOf(r.nextLong() >> r.nextInt(64));
            case 2 -> String.valueOf(between(r, -5, 150));
            case 3 -> pick(r, "", "-") + digits(r, 1, 70);
            case 4 -> {
                // Any double: random bits cover every exponent, subnormals included; or one with two decimals.
                double d = r.nextBoolean() ? Double.longBitsToDouble(r.nextLong())
                        : Math.round((r.nextDouble() * 2 - 1) * Math.pow(10, between(r, 0, 15)) * 100) / 100.0;
                yield Double.isFinite(d) ? Double.toString(d) : "1e999";
            }
            default -> {
                String fraction = chars(r, '0', '9', 0, 30);
                yield pick(r, "", "-") + digits(r, 1, 20) + (fraction.isEmpty() ? "" : "." + fraction)
                        + (r.nextInt(10) < 3 ? "" : "e" + between(r, -400, 400));
            }
        };
    }

    /** Decimal digits with no leading zero (but "0"): JSON's integer part. */
    private static String digits(SplittableRandom r, int minLength, int maxLength) {
        return chars(r, '0', '9', minLength, maxLength).replaceFirst("^0+(?=.)", "");
    }

    private static final String[] STRING_EDGES = {
            "\"\"", "\" \"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e999\"", "\"-1e999\"", "\"0x1p3\"", "\"1f\"",
            "\"24.0\"", "\"100\"", "\"100.0\"", "\"101\"", "\"-0\"", "\"-0.0\"", "\" 50 \"", "\"true\"", "\"false\"", "\"1\"",
            "\"0\"", "\"maybe\"", "\"\\ud800\"", "\"a\\udc00b\"", "\"\\udbff\\udbff\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"",
            "\"\\n\\t\\r\"", "\"\\\\\"", "\"\\\"\"", "\"" + SENTINEL + "\"", "\"" + SENTINEL + "@example.com\"",
            "\"" + SENTINEL_NUMBER + "\"", "\"SELF\"", "\"ADMIN\"", "\"José Ñúñez 李雷 😀\"", "\"\u2028\u2029\"" };

    private static final String[] KINDS = {
            "offering_completed", "offering_registered", "user_created", "enrollment", "created", "progress", "completed",
            "order", "activities.course.completed", "activities.course.started", "Enrollment" };

    /** Text of up to a few KB: a short piece repeated, long enough for every limit and still cheap to print in part. */
    private static String longText(SplittableRandom r) {
        return chars(r, ' ', '~', 1, 40).repeat(between(r, 10, 150));
    }

    private static String string(SplittableRandom r) {
        return switch (weighted(r, 4, 5, 2, 2, 1, 1, 1, 1)) {
            case 0 -> pick(r, STRING_EDGES);
            case 1 -> jsonString(time(r));
            case 2 -> jsonString(pick(r, KINDS));
            case 3 -> jsonString(chars(r, Character.MIN_VALUE, Character.MAX_VALUE, 0, 40));
            case 4 -> jsonString(longText(r));
            case 5 -> jsonString(number(r));
            case 6 -> jsonString("x".repeat(between(r, 120, 136)));
            default -> jsonString("\uD83D\uDE00".repeat(between(r, 120, 136)));
        };
    }


    /**
     * {@code text} as a JSON string: quotes, backslashes and controls escaped, and every surrogate
     * written as an escape (UTF-8 cannot carry a lone one; a pair escaped is still a pair).
     */
    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---- times in every form the vendors use, in and far out of the years 0001-9999 ----

    private enum Form { ISO, LOCAL, DATE, RAILS }

    private static final Integer[] YEAR_EDGES = { 0, 1, 2, 999, 1000, 1969, 1970, 2014, 2023, 9998, 9999, 10000, 12023, -1,
            -9999, 999_999_999, 1_000_000_000 };

    private static final String[] OFFSETS = { "Z", "z", "+00:00", "-03:00", "+05:30", "+14:00", "-12:00", "+18:00", "-18:00",
            "+25:00", "", "+0000" };

    /** A time in one of the forms, with each part drawn a little beyond its range. */
    private static String time(SplittableRandom r) {
        int[] date = { weighted(r, 3, 2) == 0 ? pick(r, YEAR_EDGES) : between(r, 0, 12000), between(r, 0, 13), between(r, 0, 32) };
        int[] clock = { between(r, 0, 24), between(r, 0, 60), between(r, -1, 61) };
        return time(date, clock, chars(r, '0', '9', 0, 10), pick(r, OFFSETS), pick(r, Form.values()), r.nextBoolean());
    }

    private static String time(int[] date, int[] clock, String fraction, String offset, Form form, boolean signed) {
        int year = date[0];
        String y = year < 0 ? "-" + pad(-year, 4) : year > 9999 ? (signed ? "+" : "") + year : signed ? pad(year, 4) : String.valueOf(year);
        String ymd = y + "-" + pad(date[1], 2) + "-" + pad(date[2], 2);
        String hms = pad(clock[0], 2) + ":" + pad(clock[1], 2) + (clock[2] < 0 ? "" : ":" + pad(clock[2], 2))
                + (fraction.isEmpty() || clock[2] < 0 ? "" : "." + fraction);
        return switch (form) {
            case ISO -> ymd + "T" + hms + offset;
            case LOCAL -> ymd + " " + hms;
            case DATE -> ymd;
            case RAILS -> weekday(date) + ", " + date[2] + " " + month(date[1]) + " " + y + " " + hms + " UTC "
                    + (offset.startsWith("+") || offset.startsWith("-") ? offset : "+00:00");
        };
    }

    private static String pad(int n, int width) {
        return String.format("%0" + width + "d", n);
    }

    private static String weekday(int[] date) {
        try {
            return LocalDate.of(date[0], date[1], date[2]).getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        } catch (DateTimeException e) {
            return "Wed";
        }
    }

    private static String month(int month) {
        return month >= 1 && month <= 12
                ? java.time.Month.of(month).getDisplayName(TextStyle.SHORT, Locale.ENGLISH)
                : "Foo";
    }
}

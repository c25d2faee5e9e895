package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.rawBody;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.Times;
import io.coursewire.inbound.Fields;
import io.coursewire.inbound.InboundJson;
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.inbound.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * Any JSON value at any field, for every translator: the outcome is a mapped event that validates
 * against the canonical schema (and the limits of PRODUCT.md §2), an ignored kind, or an
 * {@link InvalidPayloadException} naming a field (no field only when the body as a whole is at fault),
 * never another exception. Bodies are the vendor fixtures with one to three paths (present, missing or
 * new) replaced by generated JSON text, or removed, and are parsed by {@link InboundJson} as production
 * parses them, so {@code 1e999}, {@code -0}, lone-surrogate escapes and 64-digit integers arrive as a
 * vendor would send them.
 */
class TranslatorPropertiesTest {

    /**
     * Tries per property. jqwik's own edge cases are off ({@code EdgeCasesMode.NONE}): the generators mix
     * in the edges that matter here themselves (1e999, -0, years 0000 and 10000, lone surrogates), and
     * combining the edge cases of this many combinators costs more than the tries.
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
            String text = new String(body, StandardCharsets.UTF_8);
            return "headers=" + headers + " zone=" + zone + " body=" + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text);
        }
    }

    // ---- the properties, one per translator ----

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void zapnito(@ForAll("zapnitoCases") Case c) {
        check(new ZapnitoTranslator(), c);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void toolzz(@ForAll("toolzzCases") Case c) {
        check(new ToolzzTranslator(c.zone()), c);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void digitalchalk(@ForAll("digitalchalkCases") Case c) {
        check(new DigitalChalkTranslator(), c);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void tagmango(@ForAll("tagmangoCases") Case c) {
        check(new TagMangoTranslator(), c);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void thinkific(@ForAll("thinkificCases") Case c) {
        check(new ThinkificTranslator(), c);
    }

    /** Whatever the bytes, the parser answers a tree or a 400 about the body as a whole. */
    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void anyBytesParseOrAreRefusedAsAWhole(@ForAll("corruptBodies") byte[] body) {
        try {
            assertThat(InboundJson.parse(body)).isNotNull();
        } catch (InvalidPayloadException e) {
            assertThat(e.field()).isNull();
        }
    }

    @Provide
    Arbitrary<Case> zapnitoCases() {
        return cases(List.of("zapnito-course-participation-updated.json"), ZapnitoTranslator.HOST_HEADER,
                List.of("course_id", "user_id", "user_email", "user_name", "course_title", "completion_percent",
                        "course_completion_threshold", "updated_at"));
    }

    @Provide
    Arbitrary<Case> toolzzCases() {
        return cases(List.of("toolzz-course-completed.json"), null,
                List.of("event.slug", "event.send_at", "data.course.id", "data.user.id", "data.user.email",
                        "data.institution.id", "data.enrollment.id", "data.enrollment.date_expire",
                        "data.enrollment.status", "data.user.cpf", "data.user.nickname", "data.user.uuid",
                        "data.enrollment.actived"), ZONES);
    }

    @Provide
    Arbitrary<Case> digitalchalkCases() {
        return cases(List.of("digitalchalk-offering-completed.json"), null,
                List.of("event", "date", "offering.id", "user.id", "user.email", "registration.id", "registration.grade",
                        "registration.passed", "registration.beginDate", "registration.endDate", "source"));
    }

    @Provide
    Arbitrary<Case> tagmangoCases() {
        return cases(List.of("tagmango-course-completed.json"), null,
                List.of("courseId", "email", "lastProgressOn", "phone", "name", "course"));
    }

    @Provide
    Arbitrary<Case> thinkificCases() {
        return cases(List.of("thinkific-enrollment-created.json", "thinkific-enrollment-progress.json",
                "thinkific-enrollment-completed.json"), ThinkificTranslator.SUBDOMAIN_HEADER,
                List.of("id", "resource", "action", "tenant_id", "created_at", "payload.course.id", "payload.course_id",
                        "payload.user.id", "payload.user.email", "payload.percentage_completed", "payload.activated_at"));
    }

    // ---- the check every case goes through ----

    private static void check(VendorTranslator translator, Case c) {
        JsonNode payload;
        try {
            payload = InboundJson.parse(c.body());
        } catch (InvalidPayloadException e) {
            assertThat(e.field()).as("a body that does not parse is at fault as a whole").isNull();
            assertQuotesNoValue(e);
            outcome("400, body");
            return;
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
            outcome("400, field");
            return;
        }
        // Any other exception fails the property.
        if (translation instanceof Translation.Ignored ignored) {
            assertThat(ignored.vendor()).isEqualTo(translator.vendor());
            outcome("ignored");
            return;
        }
        CanonicalEvent event = TranslatorTesting.mapped(translation); // the schema, and evt_ + 32 hex digits
        assertWithinTheLimits(event);
        Translation again = translator.translate(payload, c.requestHeaders());
        assertThat(((Translation.Mapped) again).event().id()).as("a retry gets the same id").isEqualTo(event.id());
        outcome("mapped");
    }

    private static void outcome(String outcome) {
        Statistics.label("outcome").collect(outcome);
        // Not vacuous: a fair share of the cases must get all the way to a mapped event.
        Statistics.label("outcome").coverage(checker -> checker.check("mapped").percentage(p -> p >= 10.0));
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
     * removal; now and then a body wrong as a whole. {@code header}: the header the translator reads, if any.
     */
    private static Arbitrary<Case> cases(List<String> fixtures, String header, List<String> read) {
        return cases(fixtures, header, read, Arbitraries.just(null));
    }

    // No flatMap here or below: jqwik would build, and hash, a new arbitrary for every try.
    private static Arbitrary<Case> cases(List<String> fixtures, String header, List<String> read, Arbitrary<ZoneId> zones) {
        Map<String, ObjectNode> samples = new HashMap<>();
        TreeSet<String> paths = new TreeSet<>(read);
        for (String name : fixtures) {
            ObjectNode sample = fixture(name);
            samples.put(name, sample);
            collectPaths(sample, "", paths);
        }
        paths.addAll(List.of("extra", "extra.deep.field", read.get(0) + ".below"));
        List<String> pathList = List.copyOf(paths);

        Arbitrary<String> editValue = value(2).injectNull(0.1); // null: remove the path
        Arbitrary<List<Tuple.Tuple2<String, String>>> edits =
                Combinators.combine(Arbitraries.of(pathList), editValue).as(Tuple::of).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<byte[]> edited = Combinators.combine(Arbitraries.of(fixtures), edits).as((name, list) -> {
            Map<String, String> raw = new LinkedHashMap<>();
            list.forEach(edit -> raw.put(edit.get1(), edit.get2()));
            return rawBody(samples.get(name), raw).getBytes(StandardCharsets.UTF_8);
        });
        List<Arbitrary<byte[]>> wrong = new ArrayList<>();
        wrong.add(value(3).map(text -> text.getBytes(StandardCharsets.UTF_8)));
        fixtures.forEach(name -> wrong.add(corrupt(samples.get(name).toString().getBytes(StandardCharsets.UTF_8))));
        Arbitrary<byte[]> wholeBody = Arbitraries.oneOf(wrong);
        Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(Tuple.of(12, edited), Tuple.of(1, wholeBody));
        return Combinators.combine(bodies, headers(header), zones).as(Case::new);
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

    @Provide
    Arbitrary<byte[]> corruptBodies() {
        List<Arbitrary<byte[]>> bodies = new ArrayList<>();
        for (String name : List.of("zapnito-course-participation-updated.json", "toolzz-course-completed.json",
                "digitalchalk-offering-completed.json", "tagmango-course-completed.json", "thinkific-enrollment-created.json")) {
            bodies.add(corrupt(fixture(name).toString().getBytes(StandardCharsets.UTF_8)));
        }
        bodies.add(Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
        bodies.add(value(4).map(text -> text.getBytes(StandardCharsets.UTF_8)));
        return Arbitraries.oneOf(bodies);
    }

    /** {@code body} cut short, with bytes that are not UTF-8 spliced in, nested too deep, or with a duplicate key. */
    private static Arbitrary<byte[]> corrupt(byte[] body) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, body.length);
        Arbitrary<byte[]> odd = Arbitraries.of(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xC0, (byte) 0x80 },
                new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { 0 }, new byte[] { (byte) 0xFE, (byte) 0xFF },
                "\"".getBytes(StandardCharsets.UTF_8), "\\u".getBytes(StandardCharsets.UTF_8), new byte[] { (byte) 0xE2, (byte) 0x82 });
        return Arbitraries.oneOf(
                at.map(n -> java.util.Arrays.copyOf(body, n)),
                Combinators.combine(at, odd).as((n, bytes) -> splice(body, n, bytes)),
                Arbitraries.integers().between(30, 40).map(depth ->
                        ("{\"a\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(splice(body, 1, "\"dup\":1,\"dup\":2,".getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] splice(byte[] body, int at, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(inserted);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /** Absent, usual, or any text HTTP can carry (ISO-8859-1) and beyond; the name in any case. */
    private static Arbitrary<Map<String, String>> headers(String name) {
        if (name == null) {
            return Arbitraries.just(Map.of());
        }
        Arbitrary<String> values = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("acme-academy", "community.acme.org", " padded.example.org ", "", "   ")),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0020', '\u00FF').ofMaxLength(300)),
                Tuple.of(1, LONG_TEXT),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0020', '\uD7FF').ofMaxLength(100)));
        Arbitrary<String> names = Arbitraries.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Map.<String, String>of())),
                Tuple.of(4, Combinators.combine(names, values).as(Map::of)));
    }

    /** Mostly the default, else any zone the JVM knows, and the extreme fixed offsets. */
    private static final Arbitrary<ZoneId> ZONES = zones();

    private static Arbitrary<ZoneId> zones() {
        List<ZoneId> zones = new ArrayList<>();
        new TreeSet<>(ZoneId.getAvailableZoneIds()).forEach(id -> zones.add(ZoneId.of(id)));
        zones.addAll(List.of(ZoneId.of("Z"), ZoneId.of("+14:00"), ZoneId.of("-12:00"), ZoneId.of("+18:00"), ZoneId.of("-18:00")));
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(ZoneId.of("America/Sao_Paulo"))), Tuple.of(2, Arbitraries.of(zones)));
    }

    // ---- JSON values, as text ----

    /** Any JSON value, as the text a vendor would send; containers nest up to {@code depth} levels. */
    private static Arbitrary<String> value(int depth) {
        return VALUES.get(depth);
    }

    private static Arbitrary<String> values(int depth) {
        List<Tuple.Tuple2<Integer, Arbitrary<String>>> choices = new ArrayList<>(List.of(
                Tuple.of(6, NUMBERS),
                Tuple.of(9, STRINGS),
                Tuple.of(1, Arbitraries.of("true", "false", "null"))));
        if (depth > 0) {
            Arbitrary<String> inner = VALUES.get(depth - 1);
            choices.add(Tuple.of(1, inner.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]")));
            choices.add(Tuple.of(1, Combinators.combine(Arbitraries.of("id", "a", "x", "\\ud800", SENTINEL), inner)
                    .as((key, item) -> "\"" + key + "\":" + item)
                    .list().uniqueElements(member -> member.substring(0, member.indexOf("\":"))).ofMaxSize(3)
                    .map(members -> "{" + String.join(",", members) + "}")));
        }
        return Arbitraries.frequencyOf(choices);
    }

    private static final String[] NUMBER_EDGES = {
            "0", "-0", "-0.0", "0.0", "1", "-1", "2", "100", "100.0", "100.0000000000001", "99.99999999999999999", "101",
            "-0.5", "0.5", "1e999", "-1e999", "1E+400", "-1E+400", "1e-999", "-1e-999", "4.9e-324", "1.7976931348623157e308",
            "1.7976931348623159e308", "1e300", "-1e300", "1e20", "1e2", "1E2", "1.5e2", "12345678901234567890.0",
            "9007199254740993", "9007199254740993.0", "9".repeat(64), "9".repeat(65), "-" + "9".repeat(64),
            "1.23456789E9", "58.0", "24", "18", "80", "-9223372036854775809", "18446744073709551616", SENTINEL_NUMBER,
            "0." + "3".repeat(60) };

    private static final Arbitrary<String> NUMBERS = numbers();

    private static Arbitrary<String> numbers() {
        Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(70)
                .map(d -> d.replaceFirst("^0+(?=.)", ""));
        Arbitrary<String> decimals = Combinators.combine(Arbitraries.of("", "-"), Arbitraries.strings().withCharRange('0', '9')
                .ofMinLength(1).ofMaxLength(20).map(d -> d.replaceFirst("^0+(?=.)", "")),
                Arbitraries.strings().withCharRange('0', '9').ofMaxLength(30), Arbitraries.integers().between(-400, 400).injectNull(0.3))
                .as((sign, whole, fraction, exponent) -> sign + whole + (fraction.isEmpty() ? "" : "." + fraction)
                        + (exponent == null ? "" : "e" + exponent));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(NUMBER_EDGES)),
                Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(2, Arbitraries.integers().between(-5, 150).map(String::valueOf)),
                Tuple.of(1, Combinators.combine(Arbitraries.of("", "-"), digits).as(String::concat)),
                Tuple.of(2, Arbitraries.doubles().map(d -> Double.isFinite(d) ? Double.toString(d) : "1e999")),
                Tuple.of(2, decimals));
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

    /**
     * Text of up to a few KB: a short piece repeated, since jqwik builds (and can shrink) a string char
     * by char, which for thousands of chars costs more than the translation under test.
     */
    private static final Arbitrary<String> LONG_TEXT = Combinators.combine(
            Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(40), Arbitraries.integers().between(10, 150))
            .as(String::repeat);

    private static final Arbitrary<String> STRINGS = strings();

    private static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(STRING_EDGES)),
                Tuple.of(5, times().map(TranslatorPropertiesTest::jsonString)),
                Tuple.of(2, Arbitraries.of(KINDS).map(TranslatorPropertiesTest::jsonString)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40).map(TranslatorPropertiesTest::jsonString)),
                Tuple.of(1, LONG_TEXT.map(TranslatorPropertiesTest::jsonString)),
                Tuple.of(1, NUMBERS.map(TranslatorPropertiesTest::jsonString)),
                Tuple.of(1, Arbitraries.integers().between(120, 136).map(n -> jsonString("x".repeat(n)))),
                Tuple.of(1, Arbitraries.integers().between(120, 136).map(n -> jsonString("\uD83D\uDE00".repeat(n)))));
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

    private static Arbitrary<String> times() {
        Arbitrary<Integer> years = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, 2, 999, 1000, 1969, 1970, 2014, 2023, 9998, 9999, 10000, 12023, -1, -9999,
                        999_999_999, 1_000_000_000)),
                Tuple.of(2, Arbitraries.integers().between(0, 12000)));
        Arbitrary<int[]> dates = Combinators.combine(years, Arbitraries.integers().between(0, 13),
                Arbitraries.integers().between(0, 32)).as((y, m, d) -> new int[] { y, m, d });
        Arbitrary<int[]> clock = Combinators.combine(Arbitraries.integers().between(0, 24), Arbitraries.integers().between(0, 60),
                Arbitraries.integers().between(-1, 61)).as((h, m, s) -> new int[] { h, m, s });
        Arbitrary<String> fractions = Arbitraries.strings().withCharRange('0', '9').ofMaxLength(10);
        Arbitrary<String> offsets = Arbitraries.of("Z", "z", "+00:00", "-03:00", "+05:30", "+14:00", "-12:00", "+18:00",
                "-18:00", "+25:00", "", "+0000");
        Arbitrary<Boolean> signed = Arbitraries.of(true, false);
        return Combinators.combine(dates, clock, fractions, offsets, Arbitraries.of(Form.class), signed)
                .as(TranslatorPropertiesTest::time);
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

    /** Built once, each depth from the one below; last, so that the edge lists above are set. */
    private static final List<Arbitrary<String>> VALUES = new ArrayList<>();

    static {
        for (int depth = 0; depth <= 4; depth++) {
            VALUES.add(values(depth));
        }
    }
}

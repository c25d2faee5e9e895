package io.coursewire.inbound.vendors;

import static io.coursewire.inbound.vendors.TranslatorTesting.fixture;
import static io.coursewire.inbound.vendors.TranslatorTesting.invalid;
import static io.coursewire.inbound.vendors.TranslatorTesting.mapped;
import static io.coursewire.inbound.vendors.TranslatorTesting.withRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.inbound.InboundJson;
import io.coursewire.inbound.InvalidPayloadException;
import io.coursewire.inbound.RequestHeaders;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.VendorTranslator;

/**
 * PRODUCT.md §2 "Hostile traffic and limits", one example per rule and vendor: numbers are finite,
 * ids at most 128 characters, percents 0-100, times in the years 0001-9999 and written as RFC 3339
 * UTC; anything else is a 400 naming the field, never a 500 or an event the schema refuses. Bodies
 * are written as text, so {@code 1e999} arrives as a vendor would send it.
 */
class HostileValuesTest {

    /**
     * A vendor under test: its translator, the fixture to edit (after the raw edits in {@code base}) and
     * the headers it is sent with.
     */
    record Vendor(String name, VendorTranslator translator, String fixture, RequestHeaders headers,
            Map<String, String> base) {

        Vendor(String name, VendorTranslator translator, String fixture, RequestHeaders headers) {
            this(name, translator, fixture, headers, Map.of());
        }

        ObjectNode sample() {
            return TranslatorTesting.fixture(fixture);
        }

        Translation translate(JsonNode body) {
            return translator.translate(body, headers);
        }

        /** The sample with {@code base} and then {@code raw} text at {@code path}, parsed as production does. */
        JsonNode body(String path, String raw) {
            Map<String, String> edits = new LinkedHashMap<>(base);
            edits.put(path, raw);
            return withRaw(sample(), edits);
        }

        CanonicalEvent event(String path, String raw) {
            return mapped(translate(body(path, raw)));
        }

        void rejects(String path, String raw) {
            JsonNode body = body(path, raw);
            InvalidPayloadException e = invalid(() -> translate(body), path);
            assertThat(e.getMessage()).as("the message never quotes the value").doesNotContain(SENTINEL);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Text that must never show up in an exception message. */
    private static final String SENTINEL = "secret-4711";

    static final Vendor ZAPNITO = new Vendor("zapnito", new ZapnitoTranslator(),
            "zapnito-course-participation-updated.json", RequestHeaders.of(Map.of("X-Zapnito-Hostname", "c.example.org")));
    static final Vendor TOOLZZ = new Vendor("toolzz", new ToolzzTranslator(ZoneId.of("America/Sao_Paulo")),
            "toolzz-course-completed.json", RequestHeaders.NONE);
    static final Vendor DIGITALCHALK = new Vendor("digitalchalk", new DigitalChalkTranslator(),
            "digitalchalk-offering-completed.json", RequestHeaders.NONE);
    static final Vendor TAGMANGO = new Vendor("tagmango", new TagMangoTranslator(),
            "tagmango-course-completed.json", RequestHeaders.NONE);
    static final Vendor THINKIFIC = new Vendor("thinkific", new ThinkificTranslator(),
            "thinkific-enrollment-completed.json", RequestHeaders.of(Map.of("X-Thinkific-Subdomain", "acme")));
    /** Thinkific reads {@code payload.course_id} only when {@code payload.course.id} is absent. */
    static final Vendor THINKIFIC_BY_COURSE_ID = new Vendor("thinkific without payload.course", new ThinkificTranslator(),
            "thinkific-enrollment-completed.json", RequestHeaders.NONE, Collections.singletonMap("payload.course", null));

    /** Every id each translator reads. */
    static Stream<Arguments> ids() {
        return Stream.of(
                Arguments.of(ZAPNITO, "course_id"), Arguments.of(ZAPNITO, "user_id"),
                Arguments.of(TOOLZZ, "data.course.id"), Arguments.of(TOOLZZ, "data.user.id"),
                Arguments.of(TOOLZZ, "data.institution.id"), Arguments.of(TOOLZZ, "data.enrollment.id"),
                Arguments.of(DIGITALCHALK, "offering.id"), Arguments.of(DIGITALCHALK, "user.id"),
                Arguments.of(DIGITALCHALK, "registration.id"),
                Arguments.of(TAGMANGO, "courseId"),
                Arguments.of(THINKIFIC, "id"), Arguments.of(THINKIFIC, "tenant_id"), Arguments.of(THINKIFIC, "payload.id"),
                Arguments.of(THINKIFIC, "payload.course.id"), Arguments.of(THINKIFIC, "payload.user.id"),
                Arguments.of(THINKIFIC_BY_COURSE_ID, "payload.course_id"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ids")
    void aNonFiniteIdIsA400NamingIt(Vendor vendor, String path) {
        for (String raw : new String[] { "1e999", "-1e999", "1E+400", "-1.5e309" }) {
            vendor.rejects(path, raw);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ids")
    void anIdOfMoreThan128CharactersIsA400(Vendor vendor, String path) {
        vendor.rejects(path, "1e300"); // a whole number: 301 digits
        vendor.rejects(path, quoted("7".repeat(129)));
        vendor.rejects(path, quoted("\uD83D\uDE00".repeat(129))); // 129 characters, 258 UTF-16 units
        vendor.rejects(path, quoted("\\ud800" + SENTINEL)); // an escaped lone surrogate: ids stay exact
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ids")
    void anIdOf128CharactersIsKept(Vendor vendor, String path) {
        String id = "i".repeat(127) + "d";
        assertThat(json(vendor.event(path, quoted(id)))).contains("\"" + id + "\"");
        String emoji = "\uD83D\uDE00".repeat(128);
        assertThat(json(vendor.event(path, quoted(emoji)))).contains(emoji);
        assertThat(json(vendor.event(path, "1e20"))).contains("\"100000000000000000000\"");
        assertThat(json(vendor.event(path, "-0"))).contains("\"0\"");
        String digits = "9".repeat(64); // the longest integer a body may spell
        assertThat(json(vendor.event(path, digits))).contains("\"" + digits + "\"");
    }

    @Test
    void aPhoneIsFiniteWholeNotNegativeAndAtMost128Characters() {
        for (String raw : new String[] { "1e999", "-1e999", "1e300", "-5", "12.5", quoted("5".repeat(129)),
                quoted("\\udfff" + SENTINEL), "true", "[1]" }) {
            TAGMANGO.rejects("phone", raw);
        }
        assertThat(TAGMANGO.event("phone", "1e20").data().learner().phone()).isEqualTo("100000000000000000000");
        assertThat(TAGMANGO.event("phone", quoted("5".repeat(128))).data().learner().phone()).isEqualTo("5".repeat(128));
        assertThat(TAGMANGO.event("phone", "-0").data().learner().phone()).isEqualTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = { "1e999", "-1e999", "1E+400", "\"1e999\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
            "\"0x1p3\"", "\"1f\"", "\"1d\"", "\"secret-4711\"" })
    void aGradeIsAFiniteNumberInDecimalNotation(String raw) {
        DIGITALCHALK.rejects("registration.grade", raw);
    }

    @Test
    void aFiniteGradeIsKeptAndMinusZeroIsZero() {
        assertThat(DIGITALCHALK.event("registration.grade", "58.5").data().result().score()).isEqualTo(58.5);
        assertThat(DIGITALCHALK.event("registration.grade", "\" 1.5e2 \"").data().result().score()).isEqualTo(150.0);
        assertThat(DIGITALCHALK.event("registration.grade", "1e-999").data().result().score()).isEqualTo(0.0);
        Double minusZero = DIGITALCHALK.event("registration.grade", "-0.0").data().result().score();
        assertThat(Double.doubleToRawLongBits(minusZero)).isEqualTo(Double.doubleToRawLongBits(0.0));
    }

    @Test
    void percentsAreFiniteAndFrom0To100() {
        for (String raw : new String[] { "1e999", "-1e999", "\"NaN\"", "\"Infinity\"", "100.0000000001", "-0.5", "\"1e999\"" }) {
            ZAPNITO.rejects("completion_percent", raw);
            ZAPNITO.rejects("course_completion_threshold", raw);
            THINKIFIC.rejects("payload.percentage_completed", raw);
        }
        assertThat(ZAPNITO.event("completion_percent", "1e2").data().progress().percent()).isEqualTo(100.0);
        // -0 and 0 are the same progress, and the same event
        CanonicalEvent minusZero = ZAPNITO.event("completion_percent", "-0.0");
        assertThat(Double.doubleToRawLongBits(minusZero.data().progress().percent())).isZero();
        assertThat(minusZero.id()).isEqualTo(ZAPNITO.event("completion_percent", "0").id());
    }

    @Test
    void aNonFiniteStatusIsA400() {
        TOOLZZ.rejects("data.enrollment.status", "1e999");
        TOOLZZ.rejects("data.enrollment.status", "\"-Infinity\"");
    }

    /** Every time each translator reads, with the ISO-8601 forms all of them accept. */
    static Stream<Arguments> isoTimes() {
        return Stream.of(
                Arguments.of(ZAPNITO, "updated_at"),
                Arguments.of(TOOLZZ, "event.send_at"),
                Arguments.of(DIGITALCHALK, "date"), Arguments.of(DIGITALCHALK, "registration.beginDate"),
                Arguments.of(DIGITALCHALK, "registration.endDate"),
                Arguments.of(TAGMANGO, "lastProgressOn"),
                Arguments.of(THINKIFIC, "created_at"), Arguments.of(THINKIFIC, "payload.started_at"),
                Arguments.of(THINKIFIC, "payload.completed_at"), Arguments.of(THINKIFIC, "payload.expiry_date"),
                Arguments.of(THINKIFIC, "payload.activated_at"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("isoTimes")
    void aTimeOutsideTheYears0001To9999IsA400(Vendor vendor, String path) {
        for (String time : new String[] { "+12023-11-20T18:30:00Z", "-0001-11-20T18:30:00Z", "0000-11-20T18:30:00Z",
                "+10000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
                "+999999999-12-31T23:59:59-18:00", "-999999999-01-01T00:00:00+18:00" }) {
            vendor.rejects(path, quoted(time));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("isoTimes")
    void theFirstAndLastInstantsOfTheRangeAreWrittenAsRfc3339(Vendor vendor, String path) {
        if (path.equals("payload.activated_at")) {
            // Only whether it is there shows in the event (enrollment.active).
            assertThat(vendor.event(path, quoted("0001-01-01T00:00:00Z")).data().enrollment().active()).isTrue();
            return;
        }
        assertThat(json(vendor.event(path, quoted("0001-01-01T00:00:00Z")))).contains("\"0001-01-01T00:00:00Z\"");
        assertThat(json(vendor.event(path, quoted("9999-12-31T23:59:59.999999999Z"))))
                .contains("\"9999-12-31T23:59:59.999999999Z\"");
        assertThat(json(vendor.event(path, quoted("0001-01-01T01:00:00+01:00")))).contains("\"0001-01-01T00:00:00Z\"");
    }

    @Test
    void zapnitosRailsFormWithAYearOutsideTheRangeIsA400() {
        ZAPNITO.rejects("updated_at", quoted("Mon, 20 Nov +12023 18:30:00 UTC +00:00"));
        ZAPNITO.rejects("updated_at", quoted("Fri, 31 Dec 9999 23:59:59 EST -05:00"));
        assertThat(ZAPNITO.event("updated_at", quoted("Fri, 31 Dec 9999 23:59:59 UTC +00:00")).time())
                .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void toolzzLocalTimesAreCheckedInUtc() {
        // 9999-12-31 23:00 in São Paulo is already 10000-01-01 in UTC.
        TOOLZZ.rejects("event.send_at", quoted("9999-12-31 23:00:00"));
        TOOLZZ.rejects("event.send_at", quoted("+12023-11-20 18:30:00"));
        TOOLZZ.rejects("event.send_at", quoted("0000-06-01 12:00:00"));
        TOOLZZ.rejects("event.send_at", quoted("-0001-06-01 12:00:00"));
        TOOLZZ.rejects("event.send_at", quoted("+999999999-12-31 23:59:59"));
        assertThat(TOOLZZ.event("event.send_at", quoted("9999-12-31 20:00:00")).time())
                .isEqualTo(Instant.parse("9999-12-31T23:00:00Z"));

        TOOLZZ.rejects("data.enrollment.date_expire", quoted("+12023-01-01"));
        TOOLZZ.rejects("data.enrollment.date_expire", quoted("0000-01-01"));
        TOOLZZ.rejects("data.enrollment.date_expire", quoted("-0001-01-01"));
        assertThat(TOOLZZ.event("data.enrollment.date_expire", quoted("9999-12-31")).data().enrollment().expiresAt())
                .isEqualTo(Instant.parse("9999-12-31T03:00:00Z"));
        // East of Greenwich the first day of year 1 starts in year 0 UTC.
        Vendor tokyo = new Vendor("toolzz", new ToolzzTranslator(ZoneId.of("Asia/Tokyo")), TOOLZZ.fixture(), RequestHeaders.NONE);
        tokyo.rejects("data.enrollment.date_expire", quoted("0001-01-01"));
        tokyo.rejects("event.send_at", quoted("0001-01-01 00:00:00"));
    }

    @Test
    void blankKindsAndEmailsNameNothing() {
        TAGMANGO.rejects("email", quoted("   "));
        THINKIFIC.rejects("action", quoted(" "));
        DIGITALCHALK.rejects("event", quoted(""));
        TOOLZZ.rejects("event.slug", quoted("  "));
        // A blank email beside an id: the learner is known by the id, and the email is absent, not blank.
        assertThat(ZAPNITO.event("user_email", quoted("  ")).data().learner().email()).isNull();
    }

    @Test
    void loneSurrogatesInFreeTextBecomeReplacementCharacters() {
        CanonicalEvent e = TAGMANGO.event("name", quoted("Jos\\ud83d"));
        assertThat(e.data().learner().name()).isEqualTo("Jos\uFFFD");
        assertThat(TAGMANGO.event("course", quoted("\\udc00\\ud800x\\ud83d\\ude00")).data().course().title())
                .isEqualTo("\uFFFD\uFFFDx\uD83D\uDE00");
        // The same sent unescaped, as the three bytes CESU-8 gives a lone surrogate: not UTF-8, so the
        // body is refused before Jackson could decode them.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"email\":\"a@b.c\",\"courseId\":\"c1\",\"lastProgressOn\":\"2023-11-20T18:30Z\",\"name\":\"X"
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 });
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> InboundJson.parse(body.toByteArray())).isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void keptExtensionsHoldFiniteNumbersAndWellFormedText() {
        TOOLZZ.rejects("data.user.cpf", "1e999");
        TOOLZZ.rejects("data.user.cpf", "{\"a\":[1,-1e999]}");
        assertThat(TOOLZZ.event("data.user.nickname", quoted("Z\\udc00")).data().extensions())
                .containsEntry("nickname", TextNode.valueOf("Z\uFFFD"));
        assertThat(TOOLZZ.event("data.user.uuid", "{\"\\ud800\":[\"\\udfff\",-0,1e-999]}").data().extensions().get("uuid"))
                .hasToString("{\"\uFFFD\":[\"\uFFFD\",0,0.0]}");
        // A registration keeps "source" without reading it as text.
        Map<String, String> registered = new LinkedHashMap<>();
        registered.put("event", "\"offering_registered\"");
        registered.put("source", "1e999");
        invalid(() -> DIGITALCHALK.translate(withRaw(DIGITALCHALK.sample(), registered)), "source");
    }

    @Test
    void theCanonicalEventOfAHostileButValidBodySerializesAndValidates() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("event", "\"offering_registered\""); // a registration keeps "source" without reading it as text
        raw.put("user.firstName", quoted("\\ud800".repeat(3) + "x".repeat(4000)));
        raw.put("registration.grade", "-0");
        raw.put("registration.beginDate", quoted("0001-01-01T00:00:00.000000001Z"));
        raw.put("source", "{\"deep\":[[[[[\"\\udbff\"]]]]],\"n\":1e308}");
        raw.put("registration.passed", "\"1\"");
        CanonicalEvent e = mapped(DIGITALCHALK.translate(withRaw(DIGITALCHALK.sample(), raw)));
        assertThat(json(e)).contains("\"startedAt\":\"0001-01-01T00:00:00.000000001Z\"");
        assertThat(e.data().result().score()).isEqualTo(0.0);
    }

    /** The event as delivered, read back (Jackson writes every surrogate pair, emoji included, as escapes). */
    private static String json(CanonicalEvent event) {
        try {
            return CanonicalJson.MAPPER.readTree(CanonicalJson.toBytes(event)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON string of {@code text}, whose backslash escapes are kept as written. */
    private static String quoted(String text) {
        return "\"" + text + "\"";
    }
}

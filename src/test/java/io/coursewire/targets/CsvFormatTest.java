package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.CanonicalSchema;
import io.coursewire.canonical.CompletedBy;
import io.coursewire.canonical.EventType;
import io.coursewire.support.Rfc4180;

/** The csv and ndjson formats of the file target (§4), as pure functions on the canonical event as delivered. */
class CsvFormatTest {

    static final String HEADER = "time,type,vendor,course_id,course_title,learner_id,learner_email,learner_name,percent,completed,score,passed,event_id";

    @Test
    void theHeaderIsTheColumnsOfTheSpecInOrderEndingWithCrlf() {
        assertThat(CsvFormat.HEADER).isEqualTo(HEADER + "\r\n");
        assertThat(Rfc4180.parse(CsvFormat.HEADER)).containsExactly(List.of(HEADER.split(",")));
    }

    @Test
    void aCompletionWithScoreAndPassedHasEveryColumnInOrder() throws Exception {
        JsonNode event = delivered(event("evt_1", EventType.COMPLETED, "Ada Lovelace", "Intro to Engines",
                new CanonicalEvent.Progress(100.0, true, 80.0), new CanonicalEvent.Result(92.5, true)));

        String row = CsvFormat.row(event);

        assertThat(row).endsWith("\r\n");
        assertThat(Rfc4180.parse(row)).containsExactly(List.of("2024-03-01T09:15:00Z", "course.completed", "thinkific", "48",
                "Intro to Engines", "u-7", "ada@example.com", "Ada Lovelace", "100.0", "true", "92.5", "true", "evt_1"));
        assertThat(row).isEqualTo("2024-03-01T09:15:00Z,course.completed,thinkific,48,Intro to Engines,u-7,ada@example.com,"
                + "Ada Lovelace,100.0,true,92.5,true,evt_1\r\n");
    }

    @Test
    void aProgressEventWithoutScoreOrPassedHasThemEmpty() throws Exception {
        JsonNode event = delivered(event("evt_2", EventType.PROGRESSED, "Ada Lovelace", "Intro to Engines",
                new CanonicalEvent.Progress(45.0, false, null), CanonicalEvent.Result.NONE));

        assertThat(Rfc4180.parse(CsvFormat.row(event))).containsExactly(List.of("2024-03-01T09:15:00Z", "course.progressed",
                "thinkific", "48", "Intro to Engines", "u-7", "ada@example.com", "Ada Lovelace", "45.0", "false", "", "", "evt_2"));
    }

    @Test
    void absentLearnerAndPercentAreEmptyFields() throws Exception {
        JsonNode event = delivered(CanonicalEvent.of("evt_3", EventType.ENROLLED, Instant.parse("2024-03-01T09:15:00Z"),
                new CanonicalEvent.Data("tagmango", "enrolled", null, CanonicalEvent.Tenant.NONE,
                        new CanonicalEvent.Learner(null, null, null, null, null, null, null, null), new CanonicalEvent.Course("c", null),
                        CanonicalEvent.Enrollment.NONE, new CanonicalEvent.Progress(null, false, null), CanonicalEvent.Result.NONE, null,
                        Map.of())));

        assertThat(CsvFormat.row(event)).isEqualTo("2024-03-01T09:15:00Z,course.enrolled,tagmango,c,,,,,,false,,,evt_3\r\n");
    }

    @Test
    void aValueWithACommaAQuoteAndALineBreakIsQuotedAndRoundTrips() throws Exception {
        String name = "O\"Brien, \"Pat\"\nthe second";
        String title = "Engines, \"steam\"\r\nand more\rand less";
        JsonNode event = delivered(event("evt_4", EventType.COMPLETED, name, title,
                new CanonicalEvent.Progress(100.0, true, null), new CanonicalEvent.Result(null, false)));

        String row = CsvFormat.row(event);

        assertThat(row).contains("\"O\"\"Brien, \"\"Pat\"\"\nthe second\"");
        // CRLF ends the record and nothing else: a line break inside a value is written as LF.
        assertThat(row.indexOf("\r\n")).isEqualTo(row.length() - 2);
        assertThat(row.substring(0, row.length() - 2)).doesNotContain("\r");
        List<List<String>> parsed = Rfc4180.parse(CsvFormat.HEADER + row);
        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(1)).hasSize(13);
        assertThat(parsed.get(1).get(CsvFormat.COLUMNS.indexOf("learner_name"))).isEqualTo(name);
        assertThat(parsed.get(1).get(CsvFormat.COLUMNS.indexOf("course_title"))).isEqualTo("Engines, \"steam\"\nand more\nand less");
        assertThat(parsed.get(1).get(CsvFormat.COLUMNS.indexOf("passed"))).isEqualTo("false");
        assertThat(parsed.get(1).get(CsvFormat.COLUMNS.indexOf("event_id"))).isEqualTo("evt_4");
    }

    @Test
    void fieldsAreQuotedOnlyWhenTheyNeedToBe() {
        assertThat(CsvFormat.field("plain text; with = and 'quotes'")).isEqualTo("plain text; with = and 'quotes'");
        assertThat(CsvFormat.field("")).isEmpty();
        assertThat(CsvFormat.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvFormat.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvFormat.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvFormat.field("two\r\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvFormat.field("cr\ronly")).isEqualTo("\"cr\nonly\"");
    }

    @Test
    void numbersAreWrittenWithoutExponent() throws Exception {
        assertThat(CsvFormat.value(CanonicalJson.MAPPER.readTree("0.00001"))).isEqualTo("0.000010");
        assertThat(CsvFormat.value(CanonicalJson.MAPPER.readTree("12345678912.5"))).isEqualTo("12345678912.5");
        assertThat(CsvFormat.value(CanonicalJson.MAPPER.readTree("7"))).isEqualTo("7");
    }

    @Test
    void anNdjsonLineIsTheDeliveredJsonOnOneLine() throws Exception {
        // Line breaks in values are escaped by the canonical writer: the JSON as delivered is one line.
        byte[] json = CanonicalJson.toBytes(event("evt_5", EventType.COMPLETED, "two\nlines\r\n", "t",
                new CanonicalEvent.Progress(100.0, true, null), CanonicalEvent.Result.NONE));
        byte[] line = NdjsonFormat.line(json);
        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(new String(json, StandardCharsets.UTF_8) + "\n");
        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("\n").doesNotContain("\r");

        // Should JSON ever come with whitespace between tokens, it is written again compact, same content.
        String pretty = CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(CanonicalJson.MAPPER.readTree(json));
        assertThat(pretty).contains("\n");
        String oneLine = new String(NdjsonFormat.line(pretty.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(oneLine.indexOf('\n')).isEqualTo(oneLine.length() - 1);
        assertThat(oneLine).doesNotContain("\r");
        assertThat(CanonicalJson.MAPPER.readTree(oneLine)).isEqualTo(CanonicalJson.MAPPER.readTree(json));
    }

    @Test
    void theFileDateIsTheEventTimeInUtc() {
        assertThat(FileTargetKind.day(Instant.parse("2024-03-01T23:59:59.999Z"))).isEqualTo("2024-03-01");
        assertThat(FileTargetKind.day(Instant.parse("2024-03-02T00:00:00Z"))).isEqualTo("2024-03-02");
        assertThat(FileTargetKind.day(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01");
    }

    static CanonicalEvent event(String id, EventType type, String name, String title, CanonicalEvent.Progress progress,
            CanonicalEvent.Result result) {
        return CanonicalEvent.of(id, type, Instant.parse("2024-03-01T09:15:00Z"),
                new CanonicalEvent.Data("thinkific", "enrollment." + type.name().toLowerCase(), "v-1",
                        new CanonicalEvent.Tenant("acme", "acme.thinkific.com"),
                        new CanonicalEvent.Learner("u-7", "ada@example.com", name, "Ada", "Lovelace", null, null, null),
                        new CanonicalEvent.Course("48", title), CanonicalEvent.Enrollment.NONE, progress, result,
                        type == EventType.COMPLETED ? CompletedBy.LEARNER : null, Map.of()));
    }

    /** The event as a target is given it: serialized by the canonical writer, checked against the schema, read back. */
    static JsonNode delivered(CanonicalEvent event) throws Exception {
        byte[] json = CanonicalJson.toBytes(event);
        JsonNode node = CanonicalJson.MAPPER.readTree(json);
        CanonicalSchema.assertValid(node);
        return node;
    }
}

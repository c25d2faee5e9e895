package io.coursewire.targets;

import java.util.List;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code csv} file format (§4): one row per canonical event, the columns
 * {@code time,type,vendor,course_id,course_title,learner_id,learner_email,learner_name,percent,completed,score,passed,event_id}
 * in that order, each read from the canonical event ({@link #PATHS}); an absent or null value is an
 * empty field. Pure functions, no I/O.
 *
 * <p>RFC 4180: a field holding a comma, a double quote, CR or LF is quoted, its quotes doubled; every
 * record, the header too, ends with CRLF. A line break inside a value (a name or a title may carry one)
 * is written as a bare LF, CRLF and lone CR included, so CRLF appears only at the end of a record: the
 * appender can then tell a whole row from one cut off after a line break inside quotes
 * ({@link LineAppender}). Numbers are written in plain decimal (no exponent), booleans as
 * {@code true}/{@code false}. Values are not altered otherwise: a value starting with {@code =},
 * {@code +}, {@code -} or {@code @} is kept as it is (an archive keeps the data; a spreadsheet user
 * opening a file from untrusted vendors should import it as text).
 */
public final class CsvFormat {

    /** The columns of §4, in order. */
    public static final List<String> COLUMNS = List.of("time", "type", "vendor", "course_id", "course_title", "learner_id",
            "learner_email", "learner_name", "percent", "completed", "score", "passed", "event_id");

    /** Where each column's value is in the canonical event, in the order of {@link #COLUMNS}. */
    static final List<JsonPointer> PATHS = List.of("/time", "/type", "/data/vendor", "/data/course/id", "/data/course/title",
            "/data/learner/id", "/data/learner/email", "/data/learner/name", "/data/progress/percent", "/data/progress/completed",
            "/data/result/score", "/data/result/passed", "/id").stream().map(JsonPointer::compile).toList();

    /** Ends every record. */
    public static final String RECORD_END = "\r\n";

    /** The header record, written first into a new (or emptied) file. */
    public static final String HEADER = String.join(",", COLUMNS) + RECORD_END;

    private CsvFormat() {
    }

    /** The event's row, ending with {@link #RECORD_END}. */
    public static String row(JsonNode event) {
        StringBuilder row = new StringBuilder(256);
        for (int i = 0; i < PATHS.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(field(value(event.at(PATHS.get(i)))));
        }
        return row.append(RECORD_END).toString();
    }

    /** A JSON value as field text: empty for absent or null, numbers in plain decimal. */
    static String value(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber() || node.isBoolean()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        return node.toString(); // not in the schema's columns; kept whole rather than dropped
    }

    /** One field, quoted per RFC 4180 when it needs to be, line breaks written as LF. */
    static String field(String value) {
        if (value.indexOf('\r') >= 0) {
            value = value.replace("\r\n", "\n").replace('\r', '\n');
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}

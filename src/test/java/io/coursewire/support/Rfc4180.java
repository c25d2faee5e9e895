package io.coursewire.support;

import java.util.ArrayList;
import java.util.List;

/**
 * A small, strict RFC 4180 reader for tests, written from the RFC rather than with the code that
 * writes: records end with CRLF (or LF), a quoted field may hold commas, doubled quotes and line
 * breaks. Fails on what the RFC does not allow (a quote inside an unquoted field, text after a closing
 * quote, an unterminated quoted field, a last record without its line end).
 */
public final class Rfc4180 {

    private Rfc4180() {
    }

    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        boolean atRecordStart = true;
        while (i < n) {
            atRecordStart = false;
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted field at " + i);
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < n && text.charAt(i) != ',' && text.charAt(i) != '\r' && text.charAt(i) != '\n') {
                    if (text.charAt(i) == '"') {
                        throw new IllegalArgumentException("quote inside an unquoted field at " + i);
                    }
                    field.append(text.charAt(i++));
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (i >= n) {
                throw new IllegalArgumentException("last record has no line end");
            }
            char c = text.charAt(i);
            if (c == ',') {
                i++;
            } else if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                i += 2;
                records.add(record);
                record = new ArrayList<>();
                atRecordStart = true;
            } else if (c == '\n') {
                i++;
                records.add(record);
                record = new ArrayList<>();
                atRecordStart = true;
            } else {
                throw new IllegalArgumentException("unexpected character after a field at " + i);
            }
        }
        if (!atRecordStart) {
            throw new IllegalArgumentException("last record has no line end");
        }
        return records;
    }
}

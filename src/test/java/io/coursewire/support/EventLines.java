package io.coursewire.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.targets.CsvFormat;

/**
 * Reads what the file target's ndjson and csv formats wrote, strictly: every line of every
 * {@code <yyyy-MM-dd>.ndjson} must be a canonical event dated that day; every {@code .csv} must be RFC
 * 4180 with the header once, first, and rows of the 13 columns dated that day. Fails on anything else.
 */
public final class EventLines {

    private EventLines() {
    }

    /** The event ids of every line of the directory's ndjson files, in file order, duplicates kept. */
    public static List<String> ndjsonIds(Path directory) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path file : files(directory, ".ndjson")) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new AssertionError(file + " does not end with a whole line");
            }
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty()) {
                    continue; // the end
                }
                JsonNode event = CanonicalJson.MAPPER.readTree(line); // a torn or glued line fails here
                if (!event.isObject() || CanonicalJson.MAPPER.writeValueAsString(event).length() != line.length()) {
                    throw new AssertionError(file + ": not one JSON object per line: " + line);
                }
                assertDay(file, event.path("time").asText());
                ids.add(event.path("id").asText());
            }
        }
        return ids;
    }

    /** The event_id of every row of the directory's csv files, duplicates kept. */
    public static List<String> csvIds(Path directory) throws IOException {
        return csvRows(directory).stream().map(r -> r.get(12)).toList();
    }

    /** Every row (without headers) of the directory's csv files. */
    public static List<List<String>> csvRows(Path directory) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Path file : files(directory, ".csv")) {
            List<List<String>> records = Rfc4180.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (records.isEmpty() || !records.get(0).equals(CsvFormat.COLUMNS)) {
                throw new AssertionError(file + " does not start with the header");
            }
            for (List<String> row : records.subList(1, records.size())) {
                if (row.size() != 13 || row.equals(CsvFormat.COLUMNS)) {
                    throw new AssertionError(file + ": not a row of 13 columns: " + row);
                }
                assertDay(file, row.get(0));
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Records already whole in the directory's files of that extension, a csv header included: their
     * line ends (CRLF for csv, where a value may hold an LF; LF for ndjson). Cheap, for waiting.
     */
    public static long completeLines(Path directory, String extension) throws IOException {
        long count = 0;
        boolean crlf = extension.equals(".csv");
        for (Path file : files(directory, extension)) {
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 0; i < bytes.length; i++) {
                count += bytes[i] == '\n' && (!crlf || (i > 0 && bytes[i - 1] == '\r')) ? 1 : 0;
            }
        }
        return count;
    }

    private static void assertDay(Path file, String time) {
        String day = LocalDate.ofInstant(Instant.parse(time), ZoneOffset.UTC).toString();
        String name = file.getFileName().toString();
        if (!name.startsWith(day + ".")) {
            throw new AssertionError(name + " holds an event of " + time);
        }
    }

    private static List<Path> files(Path directory, String extension) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(extension)).sorted().toList();
        }
    }
}

package io.coursewire.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.Times;

/**
 * {@code type: file}: {@code directory} (required) and {@code format}, one of:
 * <ul>
 * <li>{@code json} (the default): one file per event, {@code <time>_<vendor>_<id>.json}, under a
 * temporary name first, then renamed, so a reader never sees half a file and a crash leaves none.</li>
 * <li>{@code ndjson}: one line per event ({@link NdjsonFormat}: the canonical JSON as delivered, LF)
 * appended to {@code <yyyy-MM-dd>.ndjson}.</li>
 * <li>{@code csv}: one row per event ({@link CsvFormat}: the columns of §4, RFC 4180, CRLF) appended to
 * {@code <yyyy-MM-dd>.csv}, whose first row is the header.</li>
 * </ul>
 *
 * <p>The date naming an ndjson or csv file is the event's {@code time} in UTC, not the day it was
 * delivered: an archive is filed by when things happened, a retried or replayed event lands in the file
 * of its day, and a file of a past day may still grow when a late event arrives. Appending is
 * {@link LineAppender}'s: per-file serialization, one write per record, a torn last record removed
 * before the next append, no fsync (a killed process loses nothing already written; a power loss may
 * lose the last records, as with {@code json} files). Delivery is at least once: a record whose write
 * was cut off by a crash is removed and written again when the event is redelivered; a crash between
 * the write and the acknowledgement leaves the record and writes it again, so a reader keys on
 * {@code id} / {@code event_id}.
 */
@Singleton
public class FileTargetKind implements TargetKind<FileTarget> {

    /** The value of {@code type:} for this kind. */
    public static final String TYPE = "file";
    /** Files being written start with this; a reader skips them, a crash may leave one behind. */
    static final String IN_FLIGHT_PREFIX = ".inflight-";

    private final LineAppender ndjson = new LineAppender(NdjsonFormat.LINE_END, null);
    private final LineAppender csv = new LineAppender(CsvFormat.RECORD_END.getBytes(StandardCharsets.US_ASCII),
            CsvFormat.HEADER.getBytes(StandardCharsets.US_ASCII));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> keys() {
        return Set.of("directory", "format");
    }

    @Override
    public FileTarget read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException {
        String directory = entry.text("directory", true);
        String format = entry.node().has("format") ? entry.text("format", true) : FileTarget.FORMAT_JSON;
        if (!FileTarget.FORMATS.contains(format)) {
            throw entry.invalid("'format' has unknown value '" + format + "' (known: " + String.join(", ", FileTarget.FORMATS) + ")");
        }
        return new FileTarget(entry.name(), filters, directory, format);
    }

    @Override
    public Integer deliver(FileTarget target, OutboundEvent event) throws DeliveryFailedException {
        JsonNode json;
        Instant time;
        try {
            json = CanonicalJson.MAPPER.readTree(event.json());
            time = Instant.parse(json.path("time").asText());
        } catch (IOException | DateTimeParseException e) {
            // Not a canonical event: no attempt will do better.
            throw new DeliveryFailedException(null, "not a canonical event with a time: " + e.getClass().getSimpleName(), true);
        }
        try {
            Path directory = Files.createDirectories(Path.of(target.directory()));
            switch (target.format()) {
                case FileTarget.FORMAT_NDJSON -> ndjson.append(directory.resolve(day(time) + ".ndjson"), NdjsonFormat.line(event.json()));
                case FileTarget.FORMAT_CSV -> csv.append(directory.resolve(day(time) + ".csv"),
                        CsvFormat.row(json).getBytes(StandardCharsets.UTF_8));
                default -> writeJson(directory, json, time, event);
            }
            return null;
        } catch (IOException e) {
            throw new DeliveryFailedException(null, "file not written: " + e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    /**
     * One delivery at a time to an ndjson or csv target: its appends to a file are serialized anyway, and
     * more consumers would only wait on the lock, each holding a thread and a broker session.
     */
    @Override
    public int concurrency(FileTarget target, int configured) {
        return FileTarget.FORMAT_JSON.equals(target.format()) ? configured : 1;
    }

    /** The name of an ndjson or csv file without its extension: the event's date in UTC, {@code yyyy-MM-dd}. */
    static String day(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC).toString();
    }

    private static void writeJson(Path directory, JsonNode json, Instant time, OutboundEvent event) throws IOException {
        String name = Times.compactUtc(time) + "_" + json.path("data").path("vendor").asText() + "_" + event.id() + ".json";
        Path written = directory.resolve(IN_FLIGHT_PREFIX + name);
        Files.write(written, event.json());
        try {
            Files.move(written, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(written, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

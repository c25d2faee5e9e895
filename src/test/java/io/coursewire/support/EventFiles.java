package io.coursewire.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The file target's directory, as an operator would look at it. */
public final class EventFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public EventFiles(Path directory) {
        this.directory = directory;
    }

    /** The test profile's archive target (src/test/resources/test-targets.yaml). */
    public static EventFiles archive() {
        return new EventFiles(Path.of("target/test-data/events"));
    }

    public Path directory() {
        return directory;
    }

    /** Every completed file (no in-flight temporaries) whose name carries the event id. */
    public List<Path> filesOf(String eventId) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith("_" + eventId + ".json") && !name.startsWith(".");
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (without sleeping blindly) until the event's file exists, then reads it. */
    public JsonNode awaitEvent(String eventId) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> !filesOf(eventId).isEmpty());
        return read(filesOf(eventId).get(0));
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

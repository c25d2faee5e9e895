package io.coursewire.targets;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.Times;

/**
 * {@code type: file}: {@code directory} (required) and {@code format}. {@code json} (the default)
 * writes one file per event, {@code <time>_<vendor>_<id>.json}: under a temporary name first, then
 * renamed, so a reader never sees half a file and a crash leaves none.
 */
@Singleton
public class FileTargetKind implements TargetKind<FileTarget> {

    /** The value of {@code type:} for this kind. */
    public static final String TYPE = "file";
    /** Files being written start with this; a reader skips them, a crash may leave one behind. */
    static final String IN_FLIGHT_PREFIX = ".inflight-";

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
        if (!FileTarget.FORMAT_JSON.equals(format)) {
            throw entry.invalid("format '" + format + "' is not supported (supported: json)");
        }
        return new FileTarget(entry.name(), filters, directory, format);
    }

    @Override
    public Integer deliver(FileTarget target, OutboundEvent event) throws DeliveryFailedException {
        try {
            Path directory = Files.createDirectories(Path.of(target.directory()));
            JsonNode json = CanonicalJson.MAPPER.readTree(event.json());
            String name = Times.compactUtc(Instant.parse(json.path("time").asText())) + "_" + json.path("data").path("vendor").asText()
                    + "_" + event.id() + ".json";
            Path written = directory.resolve(IN_FLIGHT_PREFIX + name);
            Files.write(written, event.json());
            try {
                Files.move(written, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
        } catch (IOException e) {
            throw new DeliveryFailedException(null, "file not written: " + e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }
}

package io.coursewire.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Every test run starts the service on an empty data directory (broker journal, database, file
 * target), as a new installation would; the previous run's events would otherwise be duplicates.
 */
@QuarkusTestResource(value = FreshDataDirectory.class, restrictToAnnotatedClass = false)
public class FreshDataDirectory implements QuarkusTestResourceLifecycleManager {

    public static final Path TEST_DATA = Path.of("target/test-data");

    @Override
    public Map<String, String> start() {
        delete(TEST_DATA);
        return Map.of();
    }

    @Override
    public void stop() {
    }

    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.coursewire.targets;

import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;

/**
 * The targets in force, read from {@code coursewire.targets.file} at start. An invalid file stops the
 * start: routing accepted events to nothing would drop them.
 */
@Singleton
public class Targets {

    private static final Logger LOG = Logger.getLogger(Targets.class);

    private final Path file;
    private volatile List<Target> current;

    @Inject
    public Targets(CoursewireConfig config) throws InvalidTargetsException {
        this.file = Path.of(config.targets().file());
        this.current = TargetsFile.read(this.file);
        LOG.infof("Targets from %s: %s", this.file, current.stream().map(Target::name).toList());
    }

    public List<Target> all() {
        return current;
    }

    public java.util.Optional<Target> byName(String name) {
        return current.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Path file() {
        return file;
    }
}

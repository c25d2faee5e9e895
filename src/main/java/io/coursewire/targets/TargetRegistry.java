package io.coursewire.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The live registry of targets (§4): the set in force, swapped whole when {@code coursewire.targets.file}
 * changes. The file is read again every {@code coursewire.targets.reload-interval} (1 s) and compared
 * with what was last read (and the targets' own files, such as email templates, by size and time), which works alike for an editor's save, a rename over it and a Kubernetes
 * ConfigMap's symlink swap, where file-system events are unreliable. A valid change is applied at once;
 * an invalid one is refused whole, the targets in force stay, and the reason is logged and kept for
 * {@code GET /api/v1/targets}. An invalid file at start stops the start: routing accepted events to
 * nothing would drop them.
 *
 * <p>Readers take {@link #active()} once and use that snapshot throughout: an event is fanned out
 * against one set, never half the old and half the new. A delivery looks its target up by name
 * ({@link #byName}) at each attempt, so a changed URL, header or secret applies to retries too.
 */
@Singleton
public class TargetRegistry {

    private static final Logger LOG = Logger.getLogger(TargetRegistry.class);

    /** The targets in force and when they were loaded. */
    public record Active(List<Target> targets, Map<String, Target> byName, Instant loadedAt) {
        static Active of(List<Target> targets, Instant loadedAt) {
            Map<String, Target> byName = new LinkedHashMap<>();
            targets.forEach(t -> byName.put(t.name(), t));
            return new Active(List.copyOf(targets), Map.copyOf(byName), loadedAt);
        }
    }

    /** A version of the file that was refused: why, and when it was read. */
    public record Refusal(String error, Instant at) {
    }

    /**
     * Told of every change, in this order: {@link #preparing} before the new set is in force (what must
     * exist before an event is routed to a new target, its queue, is made there; a failure leaves the
     * old set in force and the change is tried again at the next read), then {@link #applied} after it.
     */
    public interface Listener {
        default void preparing(List<Target> next) throws Exception {
        }

        default void applied(Active previous, Active current) {
        }
    }

    private final Path file;
    private final TargetsFile reader;
    private final long intervalMillis;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Active active;
    private volatile Refusal lastRefused;
    /** The bytes last read, applied or refused: the same bytes are not read, logged or refused twice. */
    private byte[] lastRead;
    /** The targets' own files (templates) as last seen: size and modification time of each. */
    private List<String> lastSources = List.of();
    private ScheduledExecutorService watcher;

    @Inject
    public TargetRegistry(CoursewireConfig config, TargetsFile reader) throws InvalidTargetsException {
        this.file = Path.of(config.targets().file());
        this.reader = reader;
        this.intervalMillis = Math.max(100, config.targets().reloadInterval().toMillis());
        byte[] content = content();
        this.active = Active.of(reader.parse(text(content)), Instant.now());
        this.lastRead = content;
        this.lastSources = stamps(active.targets());
        LOG.infof("Targets from %s: %s", file, names(active));
    }

    void watch(@Observes StartupEvent started) {
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "targets-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(() -> {
            try {
                reload();
            } catch (RuntimeException e) {
                LOG.errorf("Reading %s failed: %s", file, e.toString());
            }
        }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** The targets in force now; take it once per decision. */
    public Active active() {
        return active;
    }

    /** Shorthand for {@code active().targets()}. */
    public List<Target> all() {
        return active.targets();
    }

    public Optional<Target> byName(String name) {
        return Optional.ofNullable(active.byName().get(name));
    }

    public Optional<Refusal> lastRefused() {
        return Optional.ofNullable(lastRefused);
    }

    public Path file() {
        return file;
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Reads the file and applies it if it changed and is valid. Returns true when a new set came into
     * force. Called by the watcher; tests may call it to skip the wait.
     */
    public synchronized boolean reload() {
        byte[] content;
        try {
            content = content();
        } catch (InvalidTargetsException e) {
            return refuse(null, e.getMessage());
        }
        if (Arrays.equals(content, lastRead) && stamps(active.targets()).equals(lastSources)) {
            return false;
        }
        List<Target> next;
        try {
            next = reader.parse(text(content));
        } catch (InvalidTargetsException e) {
            lastSources = stamps(active.targets()); // a bad template is refused once, not every second
            return refuse(content, e.getMessage());
        }
        for (Listener listener : listeners) {
            try {
                listener.preparing(next);
            } catch (Exception e) {
                // Not remembered as read: the same file is tried again at the next read.
                LOG.errorf("Targets from %s not applied yet, %s; the previous targets stay in force: %s", file, "preparing failed",
                        e.toString());
                return false;
            }
        }
        Active previous = active;
        active = Active.of(next, Instant.now());
        lastRead = content;
        lastSources = stamps(next);
        lastRefused = null;
        LOG.infof("Targets from %s applied: %s (before: %s)", file, names(active), names(previous));
        for (Listener listener : listeners) {
            try {
                listener.applied(previous, active);
            } catch (RuntimeException e) {
                LOG.errorf("A listener failed to apply the targets from %s: %s", file, e.toString());
            }
        }
        return true;
    }

    private boolean refuse(byte[] content, String error) {
        if (lastRefused != null && lastRefused.error().equals(error)) {
            return false; // logged once, not every second
        }
        lastRead = content; // null for a missing file: the same file put back is applied again
        lastRefused = new Refusal(error, Instant.now());
        LOG.errorf("Targets file %s refused, the previous targets stay in force: %s", file, error);
        return false;
    }

    private byte[] content() throws InvalidTargetsException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidTargetsException("targets file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidTargetsException("targets file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Each source file's size and modification time ("missing" when absent), in order. */
    private static List<String> stamps(List<Target> targets) {
        List<String> stamps = new java.util.ArrayList<>();
        for (Target target : targets) {
            for (Path source : target.sources()) {
                try {
                    stamps.add(source + " " + Files.size(source) + " " + Files.getLastModifiedTime(source).toMillis());
                } catch (IOException e) {
                    stamps.add(source + " missing");
                }
            }
        }
        return stamps;
    }

    private static String text(byte[] content) {
        return new String(content, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> names(Active active) {
        return active.targets().stream().map(Target::name).toList();
    }
}

package io.coursewire.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.eventlog.Migrated;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * What each store holds (PRODUCT.md §10, "Visibility"): {@code coursewire.store.bytes{store}} (the
 * database; the embedded broker's journal, paging and large messages) and
 * {@code coursewire.store.oldest.age{record}} (seconds since the oldest event record, delivery attempt
 * and dead letter were made; 0 when there is none). Read on a thread of its own every
 * {@code coursewire.console.live.sample-interval} (the Live page shows them as fresh as its charts):
 * a scrape, and the console, read the last sample from memory, never the database or the disk.
 */
@Singleton
public class StoreSizes {

    private static final Logger LOG = Logger.getLogger(StoreSizes.class);

    /** One sample; NaN where a value is not known (yet), or not this service's to tell (an external broker). */
    public record Sample(Instant at, double databaseBytes, double journalBytes, double oldestEventSeconds, double oldestAttemptSeconds,
            double oldestDeadLetterSeconds) {
        static final Sample NONE = new Sample(null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Resolved on the sampling thread: the start does not wait here for the database to open and migrate. */
    private final Provider<DataSource> database;
    private final CoursewireConfig config;
    private volatile Sample last = Sample.NONE;
    private boolean failing;
    private ScheduledExecutorService timer;

    @Inject
    public StoreSizes(@Migrated Provider<DataSource> database, CoursewireConfig config) {
        this.database = database;
        this.config = config;
    }

    /** The embedded broker's journal is under the data directory; an external broker's disk is its own to report. */
    private boolean embeddedBroker() {
        return config.broker().embedded();
    }

    void start(@Observes StartupEvent start, MeterRegistry registry) {
        bytes(registry, "database", Sample::databaseBytes);
        if (embeddedBroker()) {
            bytes(registry, "journal", Sample::journalBytes);
        }
        age(registry, "event", Sample::oldestEventSeconds);
        age(registry, "attempt", Sample::oldestAttemptSeconds);
        age(registry, "dead_letter", Sample::oldestDeadLetterSeconds);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-sizes");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, config.console().live().sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The last sample. */
    public Sample last() {
        return last;
    }

    public Duration eventsRetention() {
        return config.retention().events();
    }

    public Duration deadLettersRetention() {
        return config.retention().deadLetters();
    }

    private void bytes(MeterRegistry registry, String store, ToDoubleFunction<Sample> value) {
        Gauge.builder("coursewire.store.bytes", this, s -> value.applyAsDouble(s.last)).baseUnit("bytes")
                .description("Bytes a store holds on disk: the database, the embedded broker's journal").tag("store", store).register(registry);
    }

    private void age(MeterRegistry registry, String record, ToDoubleFunction<Sample> value) {
        Gauge.builder("coursewire.store.oldest.age", this, s -> value.applyAsDouble(s.last)).baseUnit("seconds")
                .description("Age of the oldest record kept (0 when there is none)").tag("record", record).register(registry);
    }

    private void sampleQuietly() {
        try {
            last = sample();
            failing = false;
        } catch (RuntimeException e) {
            // Once per run of failures, not at every sample; an exception would end the schedule.
            if (!failing) {
                LOG.warnf("Store sizes not read, tried again at each sample: %s", e.getClass().getSimpleName());
            }
            failing = true;
        }
    }

    Sample sample() {
        Instant now = Instant.now();
        double databaseBytes = Double.NaN;
        double event = Double.NaN;
        double attempt = Double.NaN;
        double dead = Double.NaN;
        try (Connection c = database.get().getConnection()) {
            databaseBytes = databaseBytes(c);
            event = ageOf(c, "SELECT routed_at FROM event_log ORDER BY seq FETCH FIRST 1 ROWS ONLY", true, now);
            attempt = ageOf(c, "SELECT attempted_at FROM delivery_attempt ORDER BY seq FETCH FIRST 1 ROWS ONLY", false, now);
            dead = ageOf(c, "SELECT dead_at FROM dead_letter ORDER BY id FETCH FIRST 1 ROWS ONLY", false, now);
        } catch (SQLException e) {
            LOG.debugf("Store sizes: the database did not answer (SQLState %s)", e.getSQLState());
        }
        return new Sample(now, databaseBytes, embeddedBroker() ? journalBytes() : Double.NaN, event, attempt, dead);
    }

    /** H2: the database's files (io.coursewire.config.DatabaseLocation); PostgreSQL: what it says the database takes. */
    private static double databaseBytes(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if ("PostgreSQL".equals(product)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_database_size(current_database())"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Double.NaN;
            }
        }
        Path file = h2File(c.getMetaData().getURL());
        return file == null ? Double.NaN : filesStartingWith(file);
    }

    /** {@code jdbc:h2:file:/x/db/coursewire;...} → /x/db/coursewire; null for another kind of URL (in memory, a server). */
    static Path h2File(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            return null;
        }
        String path = url.substring("jdbc:h2:".length());
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (path.startsWith("mem:") || path.startsWith("tcp:") || path.startsWith("ssl:") || path.startsWith("zip:")) {
            return null;
        }
        int settings = path.indexOf(';');
        return Path.of(settings < 0 ? path : path.substring(0, settings)).toAbsolutePath();
    }

    /** The database's own files: coursewire.mv.db, and its .trace.db or temporary files when there are any. */
    private static double filesStartingWith(Path base) {
        Path dir = base.getParent();
        String name = base.getFileName() + ".";
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name)).mapToLong(StoreSizes::size).sum();
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /** What io.coursewire.channel.EmbeddedBroker keeps under {@code <data-dir>/broker}, its bindings aside. */
    private double journalBytes() {
        Path broker = Path.of(config.dataDir(), "broker");
        long total = 0;
        for (String dir : new String[] { "journal", "paging", "large-messages" }) {
            total += treeSize(broker.resolve(dir));
        }
        return total;
    }

    private static long treeSize(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(StoreSizes::size).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a file went while it was walked (the broker reclaims journal files): the next sample counts again
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds since the first row's time; 0 when the table is empty. */
    private static double ageOf(Connection c, String sql, boolean epochMillis, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return 0;
            }
            Instant made = epochMillis ? Instant.ofEpochMilli(rs.getLong(1)) : rs.getObject(1, OffsetDateTime.class).toInstant();
            return Math.max(0, Duration.between(made, now).toMillis() / 1000.0);
        }
    }
}

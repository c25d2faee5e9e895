package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Paces the OS writeback of the embedded H2 database file. H2 hands its pages to the kernel and never
 * syncs them; the kernel keeps them dirty for up to 30 s and then writes them back in one burst, and
 * the broker journal's fsync, which every 202 waits for, queues behind that burst on the same disk.
 * Syncing the file every {@value #INTERVAL_MILLIS} ms keeps each writeback small (ingest p99 at 64
 * connections: 61 ms without, 31 ms with; bench/README.md). It writes nothing H2 had not written
 * already (a CHECKPOINT per batch would: twice the bytes).
 *
 * <p>The sync goes through H2's own store rather than a second handle on the file: closing any handle
 * on a file releases the process's POSIX locks on it, H2's lock included. Nothing runs for PostgreSQL
 * or an in-memory database.
 */
@Singleton
public class DatabaseWriteback {

    private static final Logger LOG = Logger.getLogger(DatabaseWriteback.class);
    static final long INTERVAL_MILLIS = 250;

    private final DataSource dataSource;
    private ScheduledExecutorService timer;
    private final AtomicLong syncs = new AtomicLong();

    @Inject
    public DatabaseWriteback(@Migrated DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void start(@Observes StartupEvent started) {
        MVStore store = embeddedFileStore();
        if (store == null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "database-writeback");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (sync(store)) {
                syncs.incrementAndGet();
            }
        }, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** True while the file is synced on a schedule (an embedded H2 file database). */
    public boolean isActive() {
        return timer != null && !timer.isShutdown();
    }

    /** How often the file has been synced since start (0 when the database is not an embedded H2 file). */
    public long syncs() {
        return syncs.get();
    }

    private static boolean sync(MVStore store) {
        try {
            if (!store.isClosed()) {
                store.sync();
                return true;
            }
        } catch (RuntimeException e) {
            // closing or closed underneath (shutdown, a lost disk): H2 reports that on its own writes
            LOG.debugf("database writeback skipped: %s", e.getClass().getSimpleName());
        }
        return false;
    }

    /** H2's store when the database is an H2 file in this process; null otherwise. */
    private MVStore embeddedFileStore() {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getMetaData().getURL().startsWith("jdbc:h2:file:") || !c.isWrapperFor(JdbcConnection.class)) {
                return null;
            }
            var session = c.unwrap(JdbcConnection.class).getSession();
            if (!(session instanceof org.h2.engine.SessionLocal local)) {
                return null; // a server's database: its process owns the file
            }
            MVStore store = local.getDatabase().getStore().getMvStore();
            return store.getFileStore() == null ? null : store;
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("database writeback not started: %s", e.getClass().getSimpleName());
            return null;
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

package io.coursewire.eventlog;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Runs the Flyway migrations (under {@code db/migration}) the first time a bean asks for the
 * {@link Migrated} database, instead of in Quarkus' start sequence ({@code quarkus.flyway.migrate-at-start}
 * is off). The start then opens and migrates the database on the thread that seeds the Idempotent
 * Receiver ({@code io.coursewire.startup.ParallelStart}), while the main thread sets up HTTP and Camel:
 * on the main thread, opening H2 and migrating an empty database took 0.4 to 1 s of every first
 * start. Everything that touches the tables waits for it, as before; a migration that fails still
 * stops the start, since the Camel routes cannot be built without the beans that need it.
 */
@Singleton
class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);

    @Produces
    @Singleton
    @Migrated
    DataSource migrated(DataSource dataSource, Flyway flyway) {
        var result = flyway.migrate();
        LOG.debugf("Database schema at version %s (%d migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
        return dataSource;
    }
}

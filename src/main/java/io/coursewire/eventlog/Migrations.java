package io.coursewire.eventlog;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.flyway.FlywayDataSource;

/**
 * Runs the Flyway migrations (under {@code db/migration}) the first time a bean asks for the
 * {@link Migrated} database, instead of in Quarkus' start sequence ({@code quarkus.flyway.migrate-at-start}
 * is off). The start then opens and migrates the database on the thread that seeds the Idempotent
 * Receiver ({@code io.coursewire.startup.ParallelStart}), while the main thread sets up HTTP and Camel:
 * on the main thread, opening H2 and migrating an empty database took 0.4 to 1 s of every first
 * start. Everything that touches the tables waits for it, as before; a migration that fails still
 * stops the start, since the Camel routes cannot be built without the beans that need it.
 *
 * <p>The database is the one datasource that is active: the default one (the embedded H2 file), or,
 * in profile {@code cluster}, the one named {@value #POSTGRESQL} (application.properties). The
 * database kind is fixed when Quarkus builds the jar, so the jar carries both and the profile picks
 * one when it starts. On PostgreSQL, Flyway takes an advisory lock while it migrates: of instances
 * starting together, one migrates and the others wait, then find nothing left to do.
 */
@Singleton
class Migrations {

    static final String POSTGRESQL = "postgresql";
    private static final Logger LOG = Logger.getLogger(Migrations.class);

    @Produces
    @Singleton
    @Migrated
    DataSource migrated(@Default InjectableInstance<AgroalDataSource> embedded,
            @io.quarkus.agroal.DataSource(POSTGRESQL) InjectableInstance<AgroalDataSource> postgresql,
            @Default InjectableInstance<Flyway> embeddedFlyway, @FlywayDataSource(POSTGRESQL) InjectableInstance<Flyway> postgresqlFlyway) {
        boolean cluster = !postgresql.listActive().isEmpty();
        AgroalDataSource dataSource = cluster ? postgresql.get() : embedded.get();
        if (cluster) {
            String url = dataSource.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration().jdbcUrl();
            if (url == null || !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalStateException("The PostgreSQL datasource is active (profile cluster) but quarkus.datasource.jdbc.url is not a"
                        + " jdbc:postgresql: URL; set it (and quarkus.datasource.username, .password) to the shared database");
            }
        }
        var result = (cluster ? postgresqlFlyway : embeddedFlyway).get().migrate();
        LOG.debugf("Database schema at version %s (%d migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
        return dataSource;
    }
}

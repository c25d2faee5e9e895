package io.coursewire.lifecycle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of the {@code lease} table (V11): which of the instances sharing a database runs a periodic
 * job. The holder renews it each time it runs; another instance takes it only once it has expired
 * (the holder stopped renewing: it died, or hangs) or been handed back (a clean stop). One conditional
 * UPDATE decides, so two instances never both hold it at the same instant of the database.
 *
 * <p>Times are the instances' clocks: a skew between them shortens or lengthens a takeover by as much,
 * nothing worse — the job it guards must be harmless when run twice.
 */
public final class Lease {

    private final String name;
    private final String holder;
    private final Duration term;

    public Lease(String name, String holder, Duration term) {
        this.name = name;
        this.holder = holder;
        this.term = term;
    }

    /** An identifier for this process that tells an operator which instance it is. */
    public static String thisProcess() {
        String host = System.getenv().getOrDefault("HOSTNAME", "host");
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Takes or renews the lease as of {@code now}, until now + term; false: another instance holds it. */
    public boolean acquire(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE lease SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at <= ?)")) {
            ps.setString(1, holder);
            ps.setLong(2, now.plus(term).toEpochMilli());
            ps.setString(3, name);
            ps.setString(4, holder);
            ps.setLong(5, now.toEpochMilli());
            return ps.executeUpdate() == 1;
        }
    }

    /** Hands the lease back if this instance holds it: another takes over at its next run, not a term later. */
    public void release(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE lease SET expires_at = 0 WHERE name = ? AND holder = ?")) {
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.executeUpdate();
        }
    }

    public String holder() {
        return holder;
    }
}

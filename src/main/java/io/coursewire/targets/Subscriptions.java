package io.coursewire.targets;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.eventlog.DurableCommit;
import io.coursewire.eventlog.Migrated;
import io.coursewire.eventlog.SqlFailures;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The REST Hook subscriptions (§5), stored in table {@code subscription} and shared by every instance
 * on that database; in memory, an immutable snapshot swapped whole. The router asks for
 * {@link #candidates} once per event and delivery for {@link #target} once per attempt: both read the
 * snapshot in force, precomputed, with no lock and no database.
 *
 * <p>A subscribe or unsubscribe is committed (and on disk) before the snapshot changes, so what the
 * admin API confirmed survives a crash. Another instance's changes are noticed by polling, every
 * {@code coursewire.targets.reload-interval}, the table's row count and the count, largest and sum of
 * its ids: rows are only ever inserted or deleted and ids never reused, so that changes whenever
 * the set does (the sum catches a delete that crosses another instance's late-committed insert).
 *
 * <p>Snapshot swaps are serialized by one lock; each writer applies its own change to the snapshot in
 * force (adding or removing one subscription, which is idempotent), and the poller reads the table and
 * swaps under the same lock, so every change ends up in the snapshot whatever the interleaving. A
 * change that slips past (a subscription deleted elsewhere in the instant between its insert here and
 * its swap) makes the fingerprints differ, and the next poll reads the table again.
 */
@Singleton
public class Subscriptions {

    private static final Logger LOG = Logger.getLogger(Subscriptions.class);

    private static final String COLUMNS = "id, event, url, authorization_token, course, secret, created_at, cloudevents";

    /** What identifies a set of rows, computed alike from the table and from a snapshot. */
    record Fingerprint(long count, long maxId, long idSum) {
        static Fingerprint of(Collection<Long> ids) {
            long max = 0;
            long sum = 0;
            for (long id : ids) {
                max = Math.max(max, id);
                sum += id;
            }
            return new Fingerprint(ids.size(), max, sum);
        }
    }

    /**
     * The subscriptions in force, every view the hot paths need built once. {@code unreadableIds} are
     * rows this version cannot use (an unknown hook, written by a newer version): kept out of routing
     * but part of the fingerprint, so they do not make the table look changed at every poll.
     */
    private record Snapshot(SortedMap<Long, Subscription> byId, Set<Long> unreadableIds, Map<RestHookEvent, List<Subscription>> byEvent,
            Map<String, List<Target>> byEventType, Map<String, Optional<HttpTarget>> byTargetName, Fingerprint fingerprint) {

        /** {@code previous} lends its targets: a subscription never changes, so neither does its target. */
        static Snapshot of(Collection<Subscription> subscriptions, Set<Long> unreadableIds, Snapshot previous) {
            SortedMap<Long, Subscription> byId = new TreeMap<>();
            subscriptions.forEach(s -> byId.put(s.id(), s));
            Map<RestHookEvent, List<Subscription>> byEvent = new EnumMap<>(RestHookEvent.class);
            Map<String, List<Target>> byEventType = new HashMap<>();
            Map<String, Optional<HttpTarget>> byTargetName = new HashMap<>();
            for (Subscription s : byId.values()) {
                Optional<HttpTarget> target = previous == null ? null : previous.byTargetName.get(s.targetName());
                if (target == null) {
                    target = Optional.of(s.asTarget());
                }
                byTargetName.put(s.targetName(), target);
                byEvent.computeIfAbsent(s.event(), e -> new ArrayList<>()).add(s);
                for (String type : s.event().types()) {
                    byEventType.computeIfAbsent(type, t -> new ArrayList<>()).add(target.get());
                }
            }
            byEvent.replaceAll((e, list) -> List.copyOf(list));
            byEventType.replaceAll((t, list) -> List.copyOf(list));
            Set<Long> allIds = new HashSet<>(byId.keySet());
            allIds.addAll(unreadableIds);
            return new Snapshot(Collections.unmodifiableSortedMap(byId), Set.copyOf(unreadableIds), Collections.unmodifiableMap(byEvent),
                    Collections.unmodifiableMap(byEventType), Collections.unmodifiableMap(byTargetName), Fingerprint.of(allIds));
        }

        Snapshot with(Subscription added) {
            if (byId.containsKey(added.id())) {
                return this;
            }
            List<Subscription> next = new ArrayList<>(byId.values());
            next.add(added);
            return of(next, unreadableIds, this);
        }

        Snapshot without(long id) {
            if (!byId.containsKey(id)) {
                return this;
            }
            List<Subscription> next = new ArrayList<>(byId.values());
            next.removeIf(s -> s.id() == id);
            return of(next, unreadableIds, this);
        }
    }

    private final DataSource dataSource;
    private final long reloadMillis;
    /** Serializes snapshot swaps; readers never take it. */
    private final ReentrantLock swaps = new ReentrantLock();
    private final List<Consumer<Subscription>> removalListeners = new CopyOnWriteArrayList<>();
    /** Null until first read from the database. */
    private volatile Snapshot snapshot;
    private ScheduledExecutorService poller;
    /** The poller logs a failing database once, not every interval, until it answers again. */
    private boolean pollFailing;

    @Inject
    public Subscriptions(@Migrated DataSource dataSource, CoursewireConfig config) {
        this.dataSource = dataSource;
        this.reloadMillis = Math.max(100, config.targets().reloadInterval().toMillis());
    }

    /** Loaded before the first event can be routed (a caller that comes earlier loads them itself), then polled. */
    void start(@Observes StartupEvent started) {
        LOG.infof("Subscriptions: %d in force", current().byId().size());
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "subscriptions-reload");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
    }

    /** Before the database closes: a poll after it would only fail. */
    void stop(@Observes ShutdownEvent stopping) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /**
     * Stores a new subscription and puts it in force at once; on disk when this returns.
     *
     * @throws SubscriptionStoreException when the database did not take it
     */
    public Subscription subscribe(RestHookEvent event, URI url, Optional<String> authorizationToken, Optional<String> course,
            Optional<String> secret, CloudEventsMode cloudevents) {
        current(); // the snapshot the new subscription joins exists first
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the database keeps of it, exactly
        long id;
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO subscription (event, url, authorization_token, course, secret, created_at, cloudevents)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, event.path());
            insert.setString(2, url.toString());
            insert.setString(3, authorizationToken.orElse(null));
            insert.setString(4, course.orElse(null));
            insert.setString(5, secret.orElse(null));
            insert.setObject(6, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
            insert.setString(7, cloudevents.label());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1); // the id is the first column, whether the driver returns it alone or the whole row
            }
            DurableCommit.flush(c);
        } catch (SQLException e) {
            throw storeFailed("storing a subscription", e);
        }
        Subscription subscription = new Subscription(id, event, url, authorizationToken, course, secret, cloudevents, createdAt);
        swap(s -> s.with(subscription));
        LOG.infof("Subscribed: %s", subscription);
        return subscription;
    }

    /** The subscriptions to one hook, oldest first. */
    public List<Subscription> list(RestHookEvent event) {
        return current().byEvent().getOrDefault(event, List.of());
    }

    /** Every subscription, oldest first. */
    public List<Subscription> all() {
        return List.copyOf(current().byId().values());
    }

    /**
     * Deletes the subscription if it is one to this hook; false when there is none.
     *
     * @throws SubscriptionStoreException when the database did not answer
     */
    public boolean unsubscribe(RestHookEvent event, long id) {
        return delete("DELETE FROM subscription WHERE id = ? AND event = ?", id, event.path());
    }

    /**
     * Deletes the subscription whatever its hook (a subscriber answered 410 Gone); false when there was none.
     *
     * @throws SubscriptionStoreException when the database did not answer
     */
    public boolean unsubscribe(long id) {
        return delete("DELETE FROM subscription WHERE id = ?", id, null);
    }

    public Optional<Subscription> byId(long id) {
        return Optional.ofNullable(current().byId().get(id));
    }

    /** The HTTP target of the subscription this target name names, as it is now; empty once deleted. */
    public Optional<HttpTarget> target(String targetName) {
        return current().byTargetName().getOrDefault(targetName, Optional.empty());
    }

    /** For the router: every subscription's target that receives events of this canonical type, oldest first. */
    public List<Target> candidates(String eventType) {
        return current().byEventType().getOrDefault(eventType, List.of());
    }

    public int count() {
        return current().byId().size();
    }

    /**
     * {@code listener} is told of each subscription that leaves the set, however it left: deleted here,
     * unsubscribed on a 410, or deleted by another instance. Called after the change is in force, on the
     * thread that made it; it must be quick and not throw.
     */
    public void whenRemoved(Consumer<Subscription> listener) {
        removalListeners.add(listener);
    }

    /** Reads the table again if another instance changed it; true when the set in force changed. Tests may call it to skip the wait. */
    public boolean reloadIfChanged() {
        current();
        Snapshot previous;
        Snapshot next;
        swaps.lock();
        try {
            previous = snapshot;
            try (Connection c = dataSource.getConnection()) {
                if (fingerprint(c).equals(previous.fingerprint())) {
                    return false;
                }
                next = read(c, previous);
            } catch (SQLException e) {
                throw storeFailed("reading the subscriptions", e);
            }
            snapshot = next;
        } finally {
            swaps.unlock();
        }
        LOG.infof("Subscriptions changed in the database: %d in force (before: %d)", next.byId().size(), previous.byId().size());
        notifyRemovals(previous, next);
        return true;
    }

    private boolean delete(String sql, long id, String event) {
        current();
        int deleted;
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(sql)) {
            delete.setLong(1, id);
            if (event != null) {
                delete.setString(2, event);
            }
            deleted = delete.executeUpdate();
            if (deleted > 0) {
                DurableCommit.flush(c);
            }
        } catch (SQLException e) {
            throw storeFailed("deleting a subscription", e);
        }
        if (deleted == 0) {
            return false;
        }
        swap(s -> s.without(id));
        LOG.infof("Unsubscribed: subscription %d", id);
        return true;
    }

    private void swap(UnaryOperator<Snapshot> change) {
        Snapshot previous;
        Snapshot next;
        swaps.lock();
        try {
            previous = snapshot;
            next = change.apply(previous);
            snapshot = next;
        } finally {
            swaps.unlock();
        }
        notifyRemovals(previous, next);
    }

    private void notifyRemovals(Snapshot previous, Snapshot next) {
        if (removalListeners.isEmpty() || previous == next) {
            return;
        }
        for (Subscription s : previous.byId().values()) {
            if (!next.byId().containsKey(s.id())) {
                for (Consumer<Subscription> listener : removalListeners) {
                    try {
                        listener.accept(s);
                    } catch (RuntimeException e) {
                        LOG.errorf("A listener failed on the removal of subscription %d: %s", s.id(), e.toString());
                    }
                }
            }
        }
    }

    /** The snapshot in force, read from the database by the first caller. */
    private Snapshot current() {
        Snapshot s = snapshot;
        return s != null ? s : firstLoad();
    }

    private Snapshot firstLoad() {
        swaps.lock();
        try {
            if (snapshot == null) {
                try (Connection c = dataSource.getConnection()) {
                    snapshot = read(c, null);
                } catch (SQLException e) {
                    throw storeFailed("reading the subscriptions", e);
                }
            }
            return snapshot;
        } finally {
            swaps.unlock();
        }
    }

    private void pollQuietly() {
        try {
            reloadIfChanged();
            if (pollFailing) {
                LOG.info("Reading the subscriptions works again");
                pollFailing = false;
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                LOG.errorf("Reading the subscriptions failed; those in force stay, and reading is tried again every %d ms: %s",
                        reloadMillis, e.getMessage());
                pollFailing = true;
            }
        }
    }

    private static Fingerprint fingerprint(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM subscription")) {
            rs.next();
            return new Fingerprint(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** The whole table in one statement, so the snapshot's fingerprint is that of one state of the table. */
    private static Snapshot read(Connection c, Snapshot previous) throws SQLException {
        List<Subscription> subscriptions = new ArrayList<>();
        Set<Long> unreadable = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM subscription")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                Optional<RestHookEvent> event = RestHookEvent.fromPath(rs.getString(2));
                URI url;
                try {
                    url = new URI(rs.getString(3));
                } catch (java.net.URISyntaxException e) {
                    url = null;
                }
                Optional<CloudEventsMode> mode = CloudEventsMode.fromLabel(rs.getString(8));
                if (event.isEmpty() || url == null || mode.isEmpty()) {
                    unreadable.add(id);
                    if (previous == null || !previous.unreadableIds().contains(id)) {
                        LOG.warnf("Subscription %d is not one this version can deliver to (hook, URL or cloudevents mode unknown to it); left out", id);
                    }
                    continue;
                }
                subscriptions.add(new Subscription(id, event.get(), url, Optional.ofNullable(rs.getString(4)),
                        Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), mode.get(),
                        rs.getObject(7, OffsetDateTime.class).toInstant()));
            }
        }
        return Snapshot.of(subscriptions, unreadable, previous);
    }

    private static SubscriptionStoreException storeFailed(String what, SQLException e) {
        return new SubscriptionStoreException(what + " failed: " + SqlFailures.describe(e));
    }
}

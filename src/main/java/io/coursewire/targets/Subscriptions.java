package io.coursewire.targets;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

/**
 * STUB (in-memory) — to be replaced by the database-backed registry. The signatures are the contract.
 */
@Singleton
public class Subscriptions {

    private final Map<Long, Subscription> byId = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Stores a new subscription (durable when this returns) and puts it in force at once. */
    public Subscription subscribe(RestHookEvent event, URI url, Optional<String> authorizationToken, Optional<String> course,
            Optional<String> secret) {
        Subscription s = new Subscription(ids.incrementAndGet(), event, url, authorizationToken, course, secret, Instant.now());
        byId.put(s.id(), s);
        return s;
    }

    /** The subscriptions to one hook, oldest first. */
    public List<Subscription> list(RestHookEvent event) {
        return byId.values().stream().filter(s -> s.event() == event).sorted(java.util.Comparator.comparingLong(Subscription::id)).toList();
    }

    /** Deletes the subscription if it is one to this hook; false when there is none. */
    public boolean unsubscribe(RestHookEvent event, long id) {
        Subscription s = byId.get(id);
        return s != null && s.event() == event && byId.remove(id) != null;
    }

    /** Deletes the subscription whatever its hook (a subscriber answered 410 Gone); false when there was none. */
    public boolean unsubscribe(long id) {
        return byId.remove(id) != null;
    }

    public Optional<Subscription> byId(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The HTTP target of the subscription this target name names, as it is now; empty once deleted. */
    public Optional<HttpTarget> target(String targetName) {
        return Subscription.idOf(targetName).flatMap(this::byId).map(Subscription::asTarget);
    }

    /** For the router: every subscription's target that receives events of this canonical type. */
    public List<Target> candidates(String eventType) {
        List<Target> c = new ArrayList<>();
        for (Subscription s : byId.values()) {
            if (s.event().types().contains(eventType)) {
                c.add(s.asTarget());
            }
        }
        return c;
    }

    public int count() {
        return byId.size();
    }
}

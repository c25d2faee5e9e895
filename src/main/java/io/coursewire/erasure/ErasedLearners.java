package io.coursewire.erasure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.channel.RoutedEvent;

/**
 * The learners erased lately (the last {@value #REMEMBERED}), with when: an event of theirs accepted
 * before their erasure that the router had already taken from the channel when the erasure purged it
 * is not delivered or logged once the router gets to it. Events accepted after the erasure are new and
 * go on as usual. Matched by key, then by the event's own JSON, as the database rows are.
 */
@Singleton
public class ErasedLearners {

    static final int REMEMBERED = 10_000;

    private record Erasure(LearnerIdentity who, long acceptedBefore) {
    }

    private final Map<Long, List<Erasure>> byKey = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Erasure>> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Read without the lock for every routed event: nothing to look up until the first erasure. */
    private volatile boolean any;

    /** {@code erasedAt}: epoch millis; events accepted until then are the learner's erased past. */
    public void add(LearnerIdentity who, long erasedAt) {
        synchronized (byKey) {
            byKey.computeIfAbsent(who.key(), k -> new ArrayList<>(1)).add(new Erasure(who, erasedAt));
            any = true;
        }
    }

    /** True when the event (accepted at {@code acceptedAt}, epoch millis) is of a learner erased since. */
    public boolean erased(RoutedEvent event, long acceptedAt) {
        if (!any) {
            return false;
        }
        List<Erasure> candidates = new ArrayList<>(2);
        synchronized (byKey) {
            for (Long key : new Long[] { event.learner().email(), event.learner().learner() }) {
                List<Erasure> found = key == null ? null : byKey.get(key);
                if (found != null) {
                    candidates.addAll(found);
                }
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        try {
            var json = CanonicalJson.MAPPER.readTree(event.json());
            return candidates.stream().anyMatch(e -> acceptedAt <= e.acceptedBefore() && e.who().matches(json));
        } catch (IOException e) {
            return false;
        }
    }
}

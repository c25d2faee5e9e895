package io.coursewire.delivery;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Singleton;

/**
 * The events an erasure (PRODUCT.md §10) removed lately, the last {@value #REMEMBERED}: a delivery of
 * one of them that a consumer had already taken when the erasure cancelled the queued ones is dropped
 * (acknowledged) instead of being attempted, retried, held again, recorded or dead-lettered.
 *
 * <p>In memory and per instance: in profile cluster, an attempt another instance has under way while
 * the erasure runs on this one may still end in one retry or dead letter there. The erasure's own
 * cancellation on the shared broker removes every delivery that is queued or scheduled at that moment.
 */
@Singleton
public class ErasedEvents {

    static final int REMEMBERED = 10_000;

    private final Map<String, Boolean> ids = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Read without the lock on every delivery: nothing to look up until the first erasure. */
    private volatile boolean any;

    public void add(Collection<String> eventIds) {
        synchronized (ids) {
            for (String id : eventIds) {
                ids.put(id, Boolean.TRUE);
            }
            any = !ids.isEmpty();
        }
    }

    public boolean contains(String eventId) {
        if (!any) {
            return false;
        }
        synchronized (ids) {
            return ids.containsKey(eventId);
        }
    }
}

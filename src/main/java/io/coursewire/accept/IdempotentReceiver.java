package io.coursewire.accept;

import io.coursewire.CoursewireConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.eventlog.EventLog;

/**
 * Idempotent Receiver at the front door: remembers the ids of the last N accepted events (N =
 * {@code coursewire.ingest.duplicate-window}, default 100,000) so a vendor retry is answered
 * {@code "duplicate": true} without a second enqueue. The window is seeded at start (see {@link #seed()}),
 * so it holds across restarts.
 *
 * <p>Exactly-once enqueueing does not rest on this memory alone: every message carries its event id
 * as the broker's duplicate-detection id, and the broker's id cache (same size, journalled atomically
 * with each message) drops a second copy even after a crash that lost this window's newest entries.
 *
 * <p>A claim is a future: a concurrent retry of an event still being written waits for the first
 * writer's outcome instead of being told "duplicate" for a write that may yet fail.
 */
@Singleton
public class IdempotentReceiver {

    private static final Logger LOG = Logger.getLogger(IdempotentReceiver.class);
    private static final CompletableFuture<Void> ACCEPTED = CompletableFuture.completedFuture(null);

    private final int window;
    private final EventLog eventLog;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> seen;
    /** Insertion order for FIFO eviction: a ring of the ids in {@link #seen}. */
    private final String[] ring;
    private int head;

    private final EmbeddedBroker broker;

    @Inject
    public IdempotentReceiver(CoursewireConfig settings, EventLog eventLog, EmbeddedBroker broker) {
        this.window = settings.ingest().duplicateWindow();
        this.eventLog = eventLog;
        this.broker = broker;
        this.seen = new ConcurrentHashMap<>(Math.min(window, 1 << 20) * 4 / 3 + 1);
        this.ring = new String[window];
    }

    /**
     * Seeds the window. With the embedded broker, from its journalled duplicate-id cache: exactly the
     * ids accepted before, even those accepted just before a crash. With an external broker, from the
     * event log of routed events.
     */
    @PostConstruct
    void seed() {
        List<String> oldestFirst = broker.acceptedIds(Channels.EVENTS);
        String source = "broker duplicate-id cache";
        if (oldestFirst == null) {
            oldestFirst = new java.util.ArrayList<>(eventLog.recentIds(window));
            java.util.Collections.reverse(oldestFirst);
            source = "event log";
        }
        for (String id : oldestFirst) {
            if (seen.putIfAbsent(id, ACCEPTED) == null) {
                remember(id);
            }
        }
        LOG.infof("Idempotent receiver window: %d of %d recent event ids loaded from the %s", oldestFirst.size(), window, source);
    }

    /** The first claim on an id owns its write; later claims see the owner's outcome. */
    public sealed interface Claim {
    }

    /** This caller is first: write the event, then {@link #accepted()} or {@link #failed()}. */
    public final class First implements Claim {
        private final String id;
        private final CompletableFuture<Void> outcome;

        private First(String id, CompletableFuture<Void> outcome) {
            this.id = id;
            this.outcome = outcome;
        }

        public void accepted() {
            outcome.complete(null);
        }

        /** The write failed: forget the id so the vendor's retry is treated as new. */
        public void failed(Throwable cause) {
            seen.remove(id, outcome);
            outcome.completeExceptionally(cause);
        }
    }

    /** The id was claimed before: completes normally once that claim's write is durable. */
    public record Seen(CompletableFuture<Void> outcome) implements Claim {
    }

    public Claim claim(String id) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> prior = seen.putIfAbsent(id, mine);
        if (prior != null) {
            return new Seen(prior);
        }
        remember(id);
        return new First(id, mine);
    }

    private synchronized void remember(String id) {
        String evicted = ring[head];
        if (evicted != null) {
            CompletableFuture<Void> f = seen.get(evicted);
            if (f != null && f.isDone()) {
                seen.remove(evicted, f);
            }
        }
        ring[head] = id;
        head = (head + 1) % ring.length;
    }
}

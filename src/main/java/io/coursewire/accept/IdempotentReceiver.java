package io.coursewire.accept;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.canonical.EventIds;
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
 * as the broker's duplicate-detection id, and the broker's id cache (journalled atomically with each
 * message) drops a second copy of a recent event even after a crash that lost this window's newest
 * entries.
 *
 * <p>Several instances on one broker (profile cluster): the broker's duplicate-id cache of the events
 * address is the shared authority, this window a cache in front of it. It only ever holds ids that
 * were really accepted (by this instance, or by any, when seeded from the shared event log), so it
 * never calls a new event a duplicate; an id it lacks, accepted through another instance, is sent
 * and refused by the broker, and that refusal is answered {@code "duplicate": true} (see
 * {@code DurableChannel#send(String, byte[], java.util.Map)}) and added here.
 *
 * <p>The window holds compact 128-bit keys ({@link AcceptedIdWindow}); only ids whose write is still
 * on its way are held as strings.
 *
 * <p>A claim is a future: a concurrent retry of an event still being written waits for the first
 * writer's outcome instead of being told "duplicate" for a write that may yet fail.
 */
@Singleton
public class IdempotentReceiver {

    private static final Logger LOG = Logger.getLogger(IdempotentReceiver.class);
    private static final Seen SEEN_ACCEPTED = new Seen(CompletableFuture.completedFuture(null));

    private final int window;
    private final EventLog eventLog;
    /** Looked up when the log's part of the window is loaded: the broker may still be loading its journal meanwhile. */
    private final Provider<EmbeddedBroker> broker;
    /** Ids whose write is durable. Guarded by this, as is {@link #inFlight}. */
    private final AcceptedIdWindow accepted;
    /** Ids whose write is on its way: a retry arriving meanwhile waits for the outcome. */
    private final Map<String, CompletableFuture<Void>> inFlight = new HashMap<>();

    @Inject
    public IdempotentReceiver(CoursewireConfig settings, EventLog eventLog, Provider<EmbeddedBroker> broker) {
        this.window = settings.ingest().duplicateWindow();
        this.eventLog = eventLog;
        this.broker = broker;
        this.accepted = new AcceptedIdWindow(window);
    }

    /**
     * Seeds the window, oldest first: the routed events of the whole window from the event log, then,
     * with the embedded broker, what the log lacks after a crash: the events accepted but not yet routed
     * (the broker's unconsumed messages, up to the window's size) and, from its journalled duplicate-id cache of
     * the newest accepted ids, the last routed ones whose rows were still queued for the log's
     * batched writer (at most {@code EventLog.QUEUED_ROWS} plus a batch).
     */
    @PostConstruct
    synchronized void seed() {
        List<String> logged = eventLog.recentIds(window); // newest first
        for (int i = logged.size() - 1; i >= 0; i--) {
            accepted.add(EventIds.bits(logged.get(i)));
        }
        List<String> newest = broker.get().acceptedIds(Channels.EVENTS);
        int fromBroker = 0;
        if (newest != null) {
            for (String id : newest) {
                if (accepted.add(EventIds.bits(id))) {
                    fromBroker++;
                }
            }
        }
        LOG.infof("Idempotent receiver window: %d of %d recent event ids loaded (%d from the event log, %d more from the broker)",
                accepted.size(), window, logged.size(), fromBroker);
    }

    /** The first claim on an id owns its write; later claims see the owner's outcome. */
    public sealed interface Claim {
    }

    /** This caller is first: write the event, then {@link #accepted()} or {@link #failed(Throwable)}. */
    public final class First implements Claim {
        private final String id;
        private final EventIds.Bits key;
        private final CompletableFuture<Void> outcome;

        private First(String id, EventIds.Bits key, CompletableFuture<Void> outcome) {
            this.id = id;
            this.key = key;
            this.outcome = outcome;
        }

        public void accepted() {
            synchronized (IdempotentReceiver.this) {
                accepted.add(key);
                inFlight.remove(id);
            }
            outcome.complete(null);
        }

        /** The write failed: forget the id so the vendor's retry is treated as new. */
        public void failed(Throwable cause) {
            synchronized (IdempotentReceiver.this) {
                inFlight.remove(id);
            }
            outcome.completeExceptionally(cause);
        }
    }

    /** The id was claimed before: completes normally once that claim's write is durable. */
    public record Seen(CompletableFuture<Void> outcome) implements Claim {
    }

    public Claim claim(String id) {
        EventIds.Bits key = EventIds.bits(id); // once per claim, outside the lock
        synchronized (this) {
            if (accepted.contains(key)) {
                return SEEN_ACCEPTED;
            }
            CompletableFuture<Void> prior = inFlight.get(id);
            if (prior != null) {
                return new Seen(prior);
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            inFlight.put(id, mine);
            return new First(id, key, mine);
        }
    }
}

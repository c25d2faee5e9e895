package io.coursewire.channel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;

/**
 * The producer side of the durable channel: puts each accepted canonical event on the broker's events
 * address, and each delivery the router fans out (and each scheduled retry) on its target's delivery
 * queue, as persistent messages; a caller's future completes once the broker has them on disk.
 *
 * <p>Accepts are committed in batches (group commit at the application level): a few writer threads
 * each drain whatever accepts are waiting, send them in one broker transaction and commit it — one
 * journal fsync and one round trip for the whole batch. Under load a batch holds dozens of events;
 * alone, an event is committed on its own at once. Why not a Camel {@code jms:} producer: a JMS send
 * through Spring's JmsTemplate does per-send session work and waits for one fsync per event, which
 * caps ingest at a few thousand per second on two cores.
 *
 * <p>Each message carries its event id as the broker's duplicate-detection id, journalled with it:
 * a copy of an event the broker already holds makes the commit fail, and the batch is then retried
 * one event per transaction so the others still go through.
 */
@Singleton
public class DurableChannel {

    private static final Logger LOG = Logger.getLogger(DurableChannel.class);
    private static final int MAX_BATCH = 256;
    /**
     * Bytes of messages waiting for a writer, at most. Accepts are bounded upstream by the ingest budget,
     * fan-outs by the router's consumers; this bound holds whatever the mix, so a slow disk shows as
     * refusals (503 to vendors, redelivery to the router) rather than as a heap filling up.
     */
    static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

    /**
     * One message for the broker: its address, an optional duplicate-detection id (a second message
     * with the same id on the same address is dropped by the broker), properties, and an optional
     * time before which the broker must not deliver it (0: at once).
     */
    public record Outgoing(String address, String duplicateId, byte[] body, Map<String, Object> properties, long deliverAt) {
    }

    /**
     * Messages that are stored together (one transaction), the future of their caller, and their size.
     * {@code taken} is won once: by a writer, which then stores them and answers with the broker's
     * outcome, or by the accept timeout, which answers "not stored" — and then no writer sends them.
     */
    private record Pending(List<Outgoing> messages, CompletableFuture<Boolean> stored, long bytes, AtomicBoolean taken) {
    }

    private final CoursewireConfig config;
    private final EmbeddedBroker broker;
    private final BrokerSessions sessions;
    /** One timer thread for every caller's accept timeout (what CompletableFuture.orTimeout would use too). */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16_384);
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final List<Writer> writers = new ArrayList<>();
    private volatile boolean running = true;

    @Inject
    public DurableChannel(CoursewireConfig config, EmbeddedBroker broker) throws Exception {
        this.config = config;
        this.broker = broker;
        ServerLocator locator = ActiveMQClient.createServerLocator(config.broker().url())
                .setReconnectAttempts(0)
                // A session that fails is opened again by its owner (no reconnection inside the client); once
                // the locator knows the broker's topology, opening one while the broker is away waited this
                // long between the topology's members and the URL's (2 s by default): ingest's 503 then took
                // 5 to 14 s to come, the readiness check 6 to 10 s (bench: broker killed under a cluster instance).
                .setRetryInterval(100)
                // A commit under way is waited for longer than a place in the queue: giving up on it would
                // answer 503 for an event the broker may yet store.
                .setCallTimeout(2 * config.ingest().acceptTimeout().toMillis())
                // The router's sessions buffer this much each, as every consumer does (README "Configuration").
                .setConsumerWindowSize((int) config.broker().consumerWindowSize().asLongValue());
        this.sessions = new BrokerSessions(locator, config.broker().username().filter(u -> !u.isBlank()).orElse(null),
                config.broker().password().orElse(null));
        for (int i = 0; i < Math.max(1, config.ingest().producers()); i++) {
            Writer writer = new Writer("durable-channel-writer-" + i);
            writers.add(writer);
            writer.start();
        }
    }

    /**
     * Sends the event durably. The future completes when the broker has journalled the message, with
     * {@code true} when the broker held it already: its duplicate-id cache of the events address is
     * shared by every instance on the broker, so a vendor retry that reaches another instance than the
     * first delivery is told it is a duplicate. It fails when the broker is unreachable or does not
     * confirm within the accept timeout.
     */
    public CompletableFuture<Boolean> send(String eventId, byte[] json, Map<String, Object> properties) {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put(Channels.ACCEPTED_AT, System.currentTimeMillis());
        return store(List.of(new Outgoing(Channels.EVENTS, eventId, json, all, 0)));
    }

    /**
     * Stores the messages in one broker transaction (all or none), batched with whatever else is
     * waiting. The future completes when they are on disk, or were already there (same duplicate id).
     */
    public CompletableFuture<Void> send(List<Outgoing> messages) {
        return store(messages).thenApply(heldBefore -> null);
    }

    /** {@link #send(List)}, telling whether the broker held a lone message already (by its duplicate id). */
    private CompletableFuture<Boolean> store(List<Outgoing> messages) {
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        if (messages.isEmpty()) {
            stored.complete(false);
            return stored;
        }
        if (broker.isDiskFull()) {
            // Over max-disk-usage the broker grants producers no credit: a send would block in a writer
            // until the disk frees, and the accept would answer 503 only at its timeout. Refused at once.
            stored.completeExceptionally(new IllegalStateException("the broker's disk is over max-disk-usage"));
            return stored;
        }
        long bytes = 0;
        for (Outgoing m : messages) {
            bytes += m.body().length;
        }
        long queued = queuedBytes.addAndGet(bytes);
        boolean full = queued > MAX_QUEUED_BYTES && queued != bytes; // alone, even a large fan-out goes
        Pending pending = new Pending(messages, stored, bytes, new AtomicBoolean());
        if (!running || full || !queue.offer(pending)) {
            queuedBytes.addAndGet(-bytes);
            stored.completeExceptionally(new IllegalStateException("durable channel is closed or saturated"));
            return stored;
        }
        // Not taken by a writer in time: the caller is answered (a vendor gets 503 and will retry), and
        // the messages are never sent behind its back. Once taken, the caller waits for the broker's own
        // answer, which the locator's call timeout bounds.
        ScheduledFuture<?> giveUp = TIMEOUTS.schedule(() -> {
            if (pending.taken().compareAndSet(false, true)) {
                stored.completeExceptionally(new TimeoutException("no writer took it within " + config.ingest().acceptTimeout()));
            }
        }, config.ingest().acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        stored.whenComplete((ok, failure) -> giveUp.cancel(false));
        return stored;
    }

    /**
     * Starts {@code sessions} transacted batch consumers of {@code queue} (threads named after
     * {@code name}); what the handler stores for a batch is committed with its acknowledgement.
     */
    public <T> TransactionalBatchConsumer<T> consume(String name, String queue, int sessions, TransactionalBatchConsumer.Handler<T> handler) {
        return new TransactionalBatchConsumer<>(name, queue, sessions, this.sessions, this, handler, 2 * config.ingest().acceptTimeout().toMillis());
    }

    /**
     * Starts {@code sessions} consumers of {@code queue} whose messages are acknowledged one by one, when
     * the work each started has its outcome stored ({@link IndividualAckConsumer}); at most
     * {@code maxUnacknowledged} out at once over all sessions.
     */
    public IndividualAckConsumer consumeIndividually(String name, String queue, int sessions, int maxUnacknowledged,
            IndividualAckConsumer.Handler handler) {
        int perSession = Math.max(1, maxUnacknowledged / Math.max(1, sessions));
        return new IndividualAckConsumer(name, queue, sessions, perSession, this.sessions, handler);
    }

    /** The broker message for one outgoing message, persistent, created on {@code session}. */
    static ClientMessage toMessage(ClientSession session, Outgoing m) {
        ClientMessage message = session.createMessage(Message.BYTES_TYPE, true);
        message.getBodyBuffer().writeBytes(m.body());
        if (m.duplicateId() != null) {
            // As UTF-8 bytes, so the broker's journalled id cache can be read back as event ids.
            message.putBytesProperty(Message.HDR_DUPLICATE_DETECTION_ID, m.duplicateId().getBytes(StandardCharsets.UTF_8));
        }
        m.properties().forEach(message::putObjectProperty);
        if (m.deliverAt() > 0) {
            message.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, m.deliverAt());
        }
        return message;
    }

    /** How this channel opens its sessions (the broker URL and login), for the channel package's other readers. */
    BrokerSessions sessions() {
        return sessions;
    }

    /** Messages waiting for a writer, in bytes (the queue is bounded by {@link #MAX_QUEUED_BYTES}). */
    public long waitingBytes() {
        return queuedBytes.get();
    }

    private static ScheduledThreadPoolExecutor timeouts() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "durable-channel-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a cancelled timeout leaves the queue at once, not when it would have fired
        return timer;
    }

    /**
     * Creates the durable queue if the broker does not have it yet. Delivery queues are made before
     * anything is sent to them: the broker would otherwise drop messages to an address with no queue.
     */
    public void ensureQueue(String name) throws Exception {
        try (ClientSessionFactory factory = sessions.connect(); ClientSession session = sessions.autoCommit(factory, 0)) {
            if (!session.queueQuery(SimpleString.of(name)).isExists()) {
                try {
                    session.createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(name)
                            .setAddress(name).setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST)
                            .setDurable(true).setAutoCreated(false));
                } catch (org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException raced) {
                    // made by someone else in the meantime: what we wanted
                }
            }
        }
    }

    /** True when the broker accepts a session now (with the configured login). */
    public boolean isAvailable() {
        try (ClientSessionFactory factory = sessions.connect(); ClientSession session = sessions.autoCommit(factory, 0)) {
            return !session.isClosed();
        } catch (Exception e) {
            return false;
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        for (Writer writer : writers) {
            writer.interrupt();
        }
        for (Writer writer : writers) {
            writer.join(5_000);
        }
        for (Pending p; (p = queue.poll()) != null;) {
            p.stored().completeExceptionally(new IllegalStateException("shutting down"));
        }
        sessions.close();
    }

    /** One transacted producer session, committing batches. */
    private final class Writer extends Thread {
        private final TransactedSession tx = new TransactedSession(sessions);

        Writer(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>(MAX_BATCH);
            while (running) {
                try {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    // Whoever has had its answer already (a timeout: its vendor was told 503 and will
                    // retry) is not stored behind its back.
                    batch.removeIf(p -> {
                        if (!p.taken().compareAndSet(false, true)) {
                            queuedBytes.addAndGet(-p.bytes());
                            return true;
                        }
                        return false;
                    });
                    if (!batch.isEmpty()) {
                        commit(batch);
                    }
                } catch (InterruptedException e) {
                    break;
                } finally {
                    for (Pending p : batch) {
                        queuedBytes.addAndGet(-p.bytes());
                    }
                    batch.clear();
                }
            }
            tx.discard();
        }

        private void commit(List<Pending> batch) {
            try {
                tx.open();
                for (Pending p : batch) {
                    for (Outgoing m : p.messages()) {
                        tx.send(m);
                    }
                }
                tx.session().commit();
                batch.forEach(p -> p.stored().complete(false));
            } catch (ActiveMQDuplicateIdException duplicate) {
                tx.rollbackQuietly();
                batch.forEach(this::commitAlone);
            } catch (Exception e) {
                LOG.debugf("durable batch of %d failed: %s", batch.size(), e.toString());
                tx.discard();
                batch.forEach(p -> p.stored().completeExceptionally(e));
            }
        }

        /**
         * A batch with a message the broker already holds: each caller's messages in their own
         * transaction, and when that fails too, each message alone (a message the broker holds from
         * before is stored; the others still go through).
         */
        private void commitAlone(Pending p) {
            try {
                p.stored().complete(commitEach(p.messages()));
            } catch (ActiveMQDuplicateIdException someStoredBefore) {
                tx.rollbackQuietly();
                try {
                    for (Outgoing m : p.messages()) {
                        commitEach(List.of(m));
                    }
                    p.stored().complete(false);
                } catch (Exception e) {
                    tx.discard();
                    p.stored().completeExceptionally(e);
                }
            } catch (Exception e) {
                tx.discard();
                p.stored().completeExceptionally(e);
            }
        }

        /** Sends and commits; a single message the broker already holds counts as stored (true: held before). */
        private boolean commitEach(List<Outgoing> messages) throws Exception {
            tx.open();
            try {
                for (Outgoing m : messages) {
                    tx.send(m);
                }
                tx.session().commit();
                return false;
            } catch (ActiveMQDuplicateIdException duplicate) {
                if (messages.size() > 1) {
                    throw duplicate;
                }
                tx.rollbackQuietly(); // the broker has it on disk from before
                return true;
            }
        }
    }
}

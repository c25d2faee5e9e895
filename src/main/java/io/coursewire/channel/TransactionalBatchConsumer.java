package io.coursewire.channel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.jboss.logging.Logger;

/**
 * Transactional Client over a durable queue, in batches: each session takes the messages waiting (up
 * to {@value #MAX_BATCH}), a handler says what is to be stored for each, and those messages and the
 * acknowledgements are committed in one broker transaction — one journal fsync for the whole batch,
 * and a crash leaves either all of it or none. A failure rolls the batch back and the broker redelivers
 * its messages after the queue's redelivery delay; a redelivered message is then handled in a
 * transaction of its own, so one that keeps failing holds up nothing else, and what it stores goes
 * through {@link DurableChannel#send(List)}, which takes a copy the broker holds from before as stored.
 *
 * <p>Why not Camel's JMS consumer: it runs one exchange and acknowledges one message at a time; here a
 * batch of events costs one commit, not one per event.
 */
public final class TransactionalBatchConsumer<T> implements AutoCloseable {

    /** A message taken from the queue: its body, its properties, and how often the broker has delivered it. */
    public record Received(byte[] body, Map<String, Object> properties, int deliveryCount) {
    }

    public interface Handler<T> {
        /** Reads one message and adds what is to be stored for it; that is committed with its acknowledgement. */
        T route(Received message, List<DurableChannel.Outgoing> toStore) throws Exception;

        /** After a commit: these messages are acknowledged and what they stored is on disk. */
        void committed(List<T> batch) throws InterruptedException;
    }

    private static final Logger LOG = Logger.getLogger(TransactionalBatchConsumer.class);
    static final int MAX_BATCH = 256;
    /** Bodies stored by one commit, at most (unless one message alone stores more). */
    static final long MAX_STORED_BYTES = 2L * 1024 * 1024;
    private static final long MAX_PAUSE_MILLIS = 5_000;

    private final String queue;
    private final BrokerSessions broker;
    private final DurableChannel channel;
    private final Handler<T> handler;
    private final long storeTimeoutMillis;
    private final List<Session> sessions = new ArrayList<>();
    private volatile boolean running = true;

    TransactionalBatchConsumer(String name, String queue, int sessionCount, BrokerSessions broker, DurableChannel channel, Handler<T> handler,
            long storeTimeoutMillis) {
        this.queue = queue;
        this.broker = broker;
        this.channel = channel;
        this.handler = handler;
        this.storeTimeoutMillis = storeTimeoutMillis;
        for (int i = 0; i < Math.max(1, sessionCount); i++) {
            Session session = new Session(name + "-" + i);
            sessions.add(session);
            session.start();
        }
    }

    /** Stops taking messages; a batch under way is committed or rolled back first. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Session s : sessions) {
            s.join(10_000);
        }
    }

    private final class Session extends Thread {
        private final TransactedSession tx = new TransactedSession(broker);
        private ClientConsumer consumer;

        Session(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            List<ClientMessage> received = new ArrayList<>(MAX_BATCH);
            int failures = 0;
            while (running) {
                try {
                    open();
                    ClientMessage first = consumer.receive(200);
                    if (first == null) {
                        continue;
                    }
                    received.add(first);
                    for (ClientMessage m; received.size() < MAX_BATCH && (m = consumer.receiveImmediate()) != null;) {
                        received.add(m);
                    }
                    handle(received);
                    failures = 0;
                } catch (InterruptedException e) {
                    break;
                } catch (Exception e) {
                    tx.rollbackQuietly();
                    if (!running) {
                        break; // shutting down underneath: the broker redelivers what was not committed
                    }
                    if (failures++ == 0) {
                        LOG.warnf("%s: a batch of %d from %s was not committed (%s); the broker redelivers it", getName(), received.size(), queue,
                                e.toString());
                    } else {
                        LOG.debugf("%s: failed again (%s)", getName(), e.toString());
                    }
                    if (!pause(Math.min(MAX_PAUSE_MILLIS, 100L << Math.min(failures, 6)))) {
                        break;
                    }
                } finally {
                    received.clear();
                }
            }
            tx.discard();
        }

        /**
         * Commits the messages in the order received: first-time deliveries together, a redelivered one
         * alone. Acknowledgements are cumulative (up to the last message of a transaction), so the order
         * of the commits is the order of the messages.
         */
        private void handle(List<ClientMessage> received) throws Exception {
            List<ClientMessage> together = new ArrayList<>(received.size());
            for (ClientMessage m : received) {
                if (m.getDeliveryCount() > 1) {
                    commit(together, false);
                    together.clear();
                    commit(List.of(m), true);
                } else {
                    together.add(m);
                }
            }
            commit(together, false);
        }

        /**
         * Routes the messages and commits what they store with their acknowledgement, in parts of at most
         * {@value #MAX_STORED_BYTES} bytes of stored bodies (a part ends after the message that reaches it,
         * so one message's fan-out is never split): a batch of events fanned out to many subscribers would
         * otherwise hold all its deliveries in memory at once, twice (here and in the broker's transaction).
         */
        private void commit(List<ClientMessage> messages, boolean redelivered) throws Exception {
            if (messages.isEmpty()) {
                return;
            }
            List<T> routed = new ArrayList<>(messages.size());
            List<DurableChannel.Outgoing> toStore = new ArrayList<>(messages.size());
            long bytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                ClientMessage m = messages.get(i);
                int before = toStore.size();
                routed.add(handler.route(read(m), toStore));
                for (int k = before; k < toStore.size(); k++) {
                    bytes += toStore.get(k).body().length;
                }
                if (bytes >= MAX_STORED_BYTES || i == messages.size() - 1) {
                    if (redelivered) {
                        // What it stored before the failure may be on disk already: sent the duplicate-tolerant way.
                        channel.send(toStore).get(storeTimeoutMillis, TimeUnit.MILLISECONDS);
                    } else {
                        for (DurableChannel.Outgoing o : toStore) {
                            tx.send(o);
                        }
                    }
                    m.acknowledge(); // cumulative: every message of this part
                    tx.session().commit();
                    handler.committed(routed);
                    routed = new ArrayList<>();
                    toStore = new ArrayList<>();
                    bytes = 0;
                }
            }
        }

        private Received read(ClientMessage m) {
            ActiveMQBuffer buffer = m.getBodyBuffer();
            byte[] body = new byte[buffer.readableBytes()];
            buffer.readBytes(body);
            Map<String, Object> properties = new HashMap<>(16);
            for (SimpleString name : m.getPropertyNames()) {
                Object value = m.getObjectProperty(name);
                properties.put(name.toString(), value instanceof SimpleString s ? s.toString() : value);
            }
            return new Received(body, properties, m.getDeliveryCount());
        }

        private void open() throws Exception {
            if (tx.open()) {
                consumer = tx.session().createConsumer(queue);
                tx.session().start();
            }
        }

        private boolean pause(long millis) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                // in short steps, so that close() is not kept waiting
                while (running && System.nanoTime() < until) {
                    Thread.sleep(Math.min(100, millis));
                }
            } catch (InterruptedException e) {
                return false;
            }
            return running;
        }
    }
}

package io.coursewire.channel;

import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.jboss.logging.Logger;

/**
 * A durable queue taken message by message, each acknowledged on its own when its handler says so —
 * from any thread, at any later time. For work that finishes asynchronously and out of order (an HTTP
 * request on an event loop): the message stays on the broker, unacknowledged, until its outcome is
 * stored, so a crash in between redelivers it (at least once), and no thread waits for it meanwhile.
 *
 * <p>Each session is owned by one thread, as the client requires: an acknowledgement asked for
 * elsewhere is queued and made by that thread between receives. At most {@code maxUnacknowledged}
 * messages per session are out at once; beyond that the thread stops taking more (back-pressure on the
 * broker, not on the heap). When the connection is lost, the broker puts the session's unacknowledged
 * messages back on the queue; acknowledgements still asked for them afterwards are dropped, and the
 * messages are delivered again.
 */
public final class IndividualAckConsumer implements AutoCloseable {

    /** A message taken from the queue: its body, its properties by name, and how to acknowledge it. */
    public interface Received {
        byte[] body();

        /** A property by name, strings as String; null when absent. */
        Object property(String name);

        /** Thread-safe; the message is acknowledged by its session's thread shortly after. Once only. */
        void acknowledge();
    }

    public interface Handler {
        /**
         * Called on the session's thread for each message; must not block (start the work and return).
         * The work acknowledges the message when its outcome is stored. It should not throw: a message
         * whose handler threw stays out, unacknowledged, until the session closes.
         */
        void handle(Received message) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(IndividualAckConsumer.class);

    private final String queue;
    private final BrokerSessions broker;
    private final Handler handler;
    private final int maxUnacknowledged;
    private final List<Session> sessions = new ArrayList<>();
    private volatile boolean running = true;

    IndividualAckConsumer(String name, String queue, int sessionCount, int maxUnacknowledged, BrokerSessions broker, Handler handler) {
        this.queue = queue;
        this.broker = broker;
        this.handler = handler;
        this.maxUnacknowledged = Math.max(1, maxUnacknowledged);
        for (int i = 0; i < Math.max(1, sessionCount); i++) {
            Session s = new Session(name + "-" + i);
            sessions.add(s);
            s.start();
        }
    }

    /** Messages taken and not yet acknowledged, over all sessions. */
    public int unacknowledged() {
        int n = 0;
        for (Session s : sessions) {
            n += s.out.get();
        }
        return n;
    }

    /**
     * Stops taking messages and waits up to {@code waitMillis} for those out to be acknowledged; what is
     * still out then goes back to the queue when the sessions close.
     */
    public void close(long waitMillis) throws InterruptedException {
        running = false;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (Session s : sessions) {
            s.drainUntil = until;
            LockSupport.unpark(s);
        }
        for (Session s : sessions) {
            s.join(waitMillis + 5_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(0);
    }

    private final class Session extends Thread {
        private final ConcurrentLinkedQueue<Message> toAcknowledge = new ConcurrentLinkedQueue<>();
        private final AtomicInteger out = new AtomicInteger();
        private volatile long drainUntil;
        private ClientSessionFactory factory;
        private ClientSession session;
        private ClientConsumer consumer;
        /** Bumped when the session is replaced: acknowledgements for an older one are dropped. */
        private int generation;

        Session(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            int failures = 0;
            while (running) {
                try {
                    open();
                    acknowledgeAsked();
                    if (out.get() >= maxUnacknowledged) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
                        continue;
                    }
                    ClientMessage m = consumer.receive(out.get() > 0 ? 20 : 200);
                    if (m != null) {
                        Message received = new Message(this, generation, m);
                        out.incrementAndGet();
                        try {
                            handler.handle(received);
                        } catch (Exception e) {
                            LOG.warnf("%s: a message from %s could not be handled (%s); it is delivered again later", getName(), queue, e.toString());
                        }
                    }
                    failures = 0;
                } catch (Exception e) {
                    if (!running) {
                        break;
                    }
                    if (failures++ == 0) {
                        LOG.warnf("%s: the session on %s failed (%s); opening another", getName(), queue, e.toString());
                    }
                    discard();
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.min(5_000, 100L << Math.min(failures, 6))));
                }
            }
            // Stopping: what is out may still finish in a moment, and is acknowledged if it does.
            while (out.get() > 0 && System.nanoTime() < drainUntil && session != null) {
                try {
                    acknowledgeAsked();
                } catch (Exception e) {
                    break;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            }
            discard();
        }

        private void acknowledgeAsked() throws Exception {
            for (Message m; (m = toAcknowledge.poll()) != null;) {
                if (m.generation == generation && session != null) {
                    m.message.individualAcknowledge();
                }
                out.decrementAndGet();
            }
        }

        private void open() throws Exception {
            if (session != null && !session.isClosed() && factory != null && !factory.isClosed()) {
                return;
            }
            discard();
            factory = broker.connect();
            // Acknowledgements are committed as they are made (no transaction), each sent at once; sends are not made here.
            session = broker.autoCommit(factory, 0);
            consumer = session.createConsumer(queue);
            session.start();
        }

        private void discard() {
            generation++;
            BrokerSessions.closeQuietly(session, factory);
            session = null;
            consumer = null;
            factory = null;
            // The broker hands back every unacknowledged message of the closed session: none is out any more.
            // Acknowledgements asked for them later are dropped (older generation) and only decrement.
        }
    }

    private static final class Message implements Received {
        private final Session owner;
        private final int generation;
        private final ClientMessage message;
        private final byte[] body;
        private boolean acknowledged;

        Message(Session owner, int generation, ClientMessage message) {
            this.owner = owner;
            this.generation = generation;
            this.message = message;
            ActiveMQBuffer buffer = message.getBodyBuffer();
            this.body = new byte[buffer.readableBytes()];
            buffer.readBytes(body);
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public Object property(String name) {
            Object value = message.getObjectProperty(SimpleString.of(name));
            return value instanceof SimpleString s ? s.toString() : value;
        }

        @Override
        public synchronized void acknowledge() {
            if (!acknowledged) {
                acknowledged = true;
                owner.toAcknowledge.add(this);
            }
        }
    }
}

package io.coursewire.channel;

import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.jboss.logging.Logger;

/**
 * Messages waiting on the broker's queues (scheduled retries included), whichever broker it is: read
 * from the embedded server in the process, or, in profile cluster, asked of the external broker that
 * every instance shares, through one core session of its own (a queue query per queue; the queue
 * names by a management request to {@code activemq.management}, which the broker login's role must
 * be allowed: {@code artemis create}'s default role is). So each instance reports the same, shared
 * depths: what the targets listing and {@code coursewire_queue_depth} show.
 */
@Singleton
public class QueueDepths {

    private static final Logger LOG = Logger.getLogger(QueueDepths.class);
    private static final SimpleString MANAGEMENT = SimpleString.of("activemq.management");

    private final EmbeddedBroker embedded;
    private final BrokerSessions sessions;
    private ClientSessionFactory factory;
    private ClientSession session;
    private boolean warned;

    @Inject
    public QueueDepths(EmbeddedBroker embedded, DurableChannel channel) {
        this.embedded = embedded;
        this.sessions = channel.sessions();
    }

    /** Messages waiting on the queue; NaN when the broker cannot be asked or has no such queue. */
    public double waiting(String queue) {
        if (embedded.isEmbedded()) {
            return embedded.waiting(queue);
        }
        synchronized (this) {
            try {
                var query = open().queueQuery(SimpleString.of(queue));
                return query.isExists() ? query.getMessageCount() : Double.NaN;
            } catch (Exception e) {
                unreachable(e);
                return Double.NaN;
            }
        }
    }

    /** {@link #waiting} for every queue whose name starts with {@code prefix}; empty when the broker cannot be asked. */
    public Map<String, Long> waitingByPrefix(String prefix) {
        if (embedded.isEmbedded()) {
            return embedded.waitingByPrefix(prefix);
        }
        Map<String, Long> waiting = new TreeMap<>();
        synchronized (this) {
            try {
                ClientSession s = open();
                ClientMessage request = s.createMessage(false);
                ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "getQueueNames");
                Object[] names;
                try (ClientRequestor requestor = new ClientRequestor(s, MANAGEMENT)) {
                    ClientMessage reply = requestor.request(request, 5_000);
                    if (reply == null || !ManagementHelper.hasOperationSucceeded(reply)) {
                        throw new IllegalStateException(reply == null ? "no answer from " + MANAGEMENT
                                : "refused: " + ManagementHelper.getResult(reply));
                    }
                    names = (Object[]) ManagementHelper.getResult(reply);
                }
                for (Object name : names) {
                    if (name instanceof String queue && queue.startsWith(prefix)) {
                        var query = s.queueQuery(SimpleString.of(queue));
                        if (query.isExists()) {
                            waiting.put(queue, query.getMessageCount());
                        }
                    }
                }
            } catch (Exception e) {
                unreachable(e);
                waiting.clear();
            }
        }
        return waiting;
    }

    private ClientSession open() throws Exception {
        if (session == null || session.isClosed() || factory == null || factory.isClosed()) {
            close();
            factory = sessions.connect();
            session = sessions.autoCommit(factory, 0);
            session.start(); // the management reply is consumed on it
        }
        return session;
    }

    private void unreachable(Exception e) {
        close();
        if (!warned) {
            warned = true; // once: a broker away is reported by readiness, not by every scrape
            LOG.warnf("Queue depths could not be read from the broker (%s); they read NaN (or nothing) until it answers", e.toString());
        }
    }

    @PreDestroy
    synchronized void close() {
        BrokerSessions.closeQuietly(session, factory);
        session = null;
        factory = null;
    }
}

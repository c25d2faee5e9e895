package io.coursewire.channel;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * Channel Purger: removes the messages a selector matches from a queue, whether they wait to be
 * consumed, are scheduled for later (a waiting retry) or paged to disk. On the embedded broker through
 * the server's own queue ({@code Queue.deleteMatchingReferences}); on an external broker (profile
 * cluster) through its management address, {@code removeMessages} on the queue's control, over a
 * core session opened for the purge (the broker login's role must be allowed management, as for
 * {@link QueueDepths}). A message a consumer holds at that moment is not removed: it is on its way.
 */
@Singleton
public class ChannelPurger {

    private static final SimpleString MANAGEMENT = SimpleString.of("activemq.management");

    private final EmbeddedBroker embedded;
    private final BrokerSessions sessions;

    @Inject
    public ChannelPurger(EmbeddedBroker embedded, DurableChannel channel) {
        this.embedded = embedded;
        this.sessions = channel.sessions();
    }

    /** One purge: the queue names and removals of one erasure, on one session when the broker is external. */
    public Purge open() throws Exception {
        if (embedded.isEmbedded()) {
            ActiveMQServer server = embedded.server();
            if (server == null) {
                throw new IllegalStateException("the embedded broker is not running");
            }
            return new EmbeddedPurge(server);
        }
        return external(sessions);
    }

    /** A purge on the external broker those sessions reach, through its management address. */
    static Purge external(BrokerSessions sessions) throws Exception {
        ClientSessionFactory factory = sessions.connect();
        try {
            ClientSession session = sessions.autoCommit(factory, 0);
            session.start(); // management replies are consumed on it
            return new ExternalPurge(factory, session);
        } catch (Exception e) {
            factory.close();
            throw e;
        }
    }

    public interface Purge extends AutoCloseable {

        /** The names of the broker's queues that start with {@code prefix}. */
        List<String> queues(String prefix) throws Exception;

        /** Removes the queue's messages the selector matches; how many. A queue that does not exist has none. */
        long remove(String queue, String selector) throws Exception;

        @Override
        void close();
    }

    private record EmbeddedPurge(ActiveMQServer server) implements Purge {

        @Override
        public List<String> queues(String prefix) {
            List<String> names = new ArrayList<>();
            for (SimpleString address : server.getPostOffice().getAddresses()) {
                if (address.toString().startsWith(prefix) && server.locateQueue(address) != null) {
                    names.add(address.toString());
                }
            }
            return names;
        }

        @Override
        public long remove(String queue, String selector) throws Exception {
            Queue q = server.locateQueue(SimpleString.of(queue));
            return q == null ? 0 : q.deleteMatchingReferences(FilterImpl.createFilter(selector));
        }

        @Override
        public void close() {
        }
    }

    private record ExternalPurge(ClientSessionFactory factory, ClientSession session) implements Purge {

        @Override
        public List<String> queues(String prefix) throws Exception {
            List<String> names = new ArrayList<>();
            for (Object name : (Object[]) invoke(ResourceNames.BROKER, "getQueueNames")) {
                if (name instanceof String queue && queue.startsWith(prefix)) {
                    names.add(queue);
                }
            }
            return names;
        }

        @Override
        public long remove(String queue, String selector) throws Exception {
            if (!session.queueQuery(SimpleString.of(queue)).isExists()) {
                return 0;
            }
            Object removed = invoke(ResourceNames.QUEUE + queue, "removeMessages", selector);
            return removed instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(removed));
        }

        private Object invoke(String resource, String operation, Object... parameters) throws Exception {
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, resource, operation, parameters);
            try (ClientRequestor requestor = new ClientRequestor(session, MANAGEMENT)) {
                ClientMessage reply = requestor.request(request, 30_000);
                if (reply == null || !ManagementHelper.hasOperationSucceeded(reply)) {
                    throw new IllegalStateException(operation + " on " + resource + ": "
                            + (reply == null ? "no answer from " + MANAGEMENT : "refused: " + ManagementHelper.getResult(reply)));
                }
                return ManagementHelper.getResult(reply);
            }
        }

        @Override
        public void close() {
            BrokerSessions.closeQuietly(session, factory);
        }
    }
}

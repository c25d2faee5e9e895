package io.coursewire.channel;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;

/**
 * One connection and transacted session to the broker, with a producer, owned by one thread: opened on
 * first use, and opened again after the broker went away (a failed commit discards it).
 */
final class TransactedSession {

    private final BrokerSessions broker;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientProducer producer;

    TransactedSession(BrokerSessions broker) {
        this.broker = broker;
    }

    /** Opens a connection and session unless the current ones still work; true when they are new. */
    boolean open() throws Exception {
        if (session != null && !session.isClosed() && factory != null && !factory.isClosed()) {
            return false;
        }
        discard();
        factory = broker.connect();
        session = broker.transacted(factory);
        producer = session.createProducer();
        return true;
    }

    ClientSession session() {
        return session;
    }

    /** Sends within the transaction: stored on {@link ClientSession#commit()}. */
    void send(DurableChannel.Outgoing m) throws Exception {
        producer.send(SimpleString.of(m.address()), DurableChannel.toMessage(session, m));
    }

    /** Rolls the transaction back; a session that cannot even do that is discarded. */
    void rollbackQuietly() {
        try {
            if (session != null && !session.isClosed()) {
                session.rollback();
            }
        } catch (Exception e) {
            discard();
        }
    }

    void discard() {
        BrokerSessions.closeQuietly(session, factory);
        session = null;
        producer = null;
        factory = null;
    }
}

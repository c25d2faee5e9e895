package io.coursewire.channel;

import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * How every core-API session of the durable channel is opened: from one locator (the broker URL, a
 * list of them for failover) and with the operator's login ({@code coursewire.broker.username} and
 * {@code .password}), which an external broker made with {@code artemis create --require-login}
 * asks of each session. The embedded broker has security off and takes any login, or none.
 */
record BrokerSessions(ServerLocator locator, String username, String password) {

    ClientSessionFactory connect() throws Exception {
        return locator.createSessionFactory();
    }

    /** Sends and acknowledgements are stored on {@link ClientSession#commit()}. */
    ClientSession transacted(ClientSessionFactory factory) throws Exception {
        return factory.createSession(username, password, false, false, false, locator.isPreAcknowledge(), locator.getAckBatchSize());
    }

    /** Sends and acknowledgements are stored as they are made; acknowledgements go to the broker in batches of {@code ackBatchSize} bytes. */
    ClientSession autoCommit(ClientSessionFactory factory, int ackBatchSize) throws Exception {
        return factory.createSession(username, password, false, true, true, locator.isPreAcknowledge(), ackBatchSize);
    }

    void close() {
        locator.close();
    }

    /**
     * Closes a session and then its connection, whatever state they are in: a session that is already
     * broken has nothing left to release (the broker hands its unacknowledged messages back on its own).
     */
    static void closeQuietly(ClientSession session, ClientSessionFactory factory) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (Exception alreadyBroken) {
            // nothing to release
        }
        if (factory != null) {
            factory.close();
        }
    }
}

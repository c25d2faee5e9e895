package io.coursewire.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.coursewire.support.ExternalArtemis;

/**
 * The erasure's purge on an external broker (profile cluster), through its management address with the
 * operator's login: the matching messages go, waiting and scheduled ones alike, the others stay; the
 * queues are named by prefix; a queue the broker does not have has nothing to remove.
 */
class ChannelPurgerIT {

    static final String QUEUE = Channels.DELIVERY_PREFIX + "purge-test";

    @Test
    void matchingMessagesAreRemovedScheduledOnesIncluded(@TempDir Path dir) throws Exception {
        try (ExternalArtemis broker = ExternalArtemis.create(dir.resolve("artemis"), "coursewire", "broker-secret")) {
            broker.start();
            ServerLocator locator = ActiveMQClient.createServerLocator(broker.url());
            BrokerSessions sessions = new BrokerSessions(locator, broker.user(), broker.password());
            try (ClientSessionFactory factory = sessions.connect(); ClientSession session = sessions.autoCommit(factory, 0)) {
                session.createQueue(QueueConfiguration.of(QUEUE).setAddress(QUEUE).setRoutingType(RoutingType.ANYCAST).setDurable(true));
                try (ClientProducer producer = session.createProducer(QUEUE)) {
                    producer.send(delivery(session, "evt_erased", 0));
                    producer.send(delivery(session, "evt_erased", System.currentTimeMillis() + 3_600_000)); // a waiting retry
                    producer.send(delivery(session, "evt_kept", 0));
                    producer.send(delivery(session, "evt_kept", System.currentTimeMillis() + 3_600_000));
                }
                assertThat(session.queueQuery(SimpleString.of(QUEUE)).getMessageCount()).isEqualTo(4);

                try (ChannelPurger.Purge purge = ChannelPurger.external(sessions)) {
                    assertThat(purge.queues(Channels.DELIVERY_PREFIX)).contains(QUEUE);
                    assertThat(purge.remove(QUEUE, "eventId IN ('evt_erased', 'evt_other')")).isEqualTo(2);
                    assertThat(purge.remove(Channels.DELIVERY_PREFIX + "no-such-target", "eventId IN ('evt_kept')")).isZero();
                }
                assertThat(session.queueQuery(SimpleString.of(QUEUE)).getMessageCount()).isEqualTo(2);
            } finally {
                sessions.close();
            }
        }
    }

    private static ClientMessage delivery(ClientSession session, String eventId, long deliverAt) {
        ClientMessage m = session.createMessage(Message.BYTES_TYPE, true);
        m.getBodyBuffer().writeBytes("{}".getBytes());
        m.putStringProperty("eventId", eventId);
        if (deliverAt > 0) {
            m.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, deliverAt);
        }
        return m;
    }
}

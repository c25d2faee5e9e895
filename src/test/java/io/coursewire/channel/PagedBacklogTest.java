package io.coursewire.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A backlog bigger than the broker's memory pages to disk; once it is drained, nothing of it stays on
 * disk: the address's page folder goes, and with it the bookmark record that would otherwise keep
 * every later journal file from being freed until a compaction (bench/README.md, tenth step).
 */
@QuarkusTest
@TestProfile(PagedBacklogTest.SmallBrokerMemory.class)
class PagedBacklogTest {

    public static class SmallBrokerMemory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.broker.global-max-size", "1M");
        }
    }

    private static final String ADDRESS = "coursewire.test.backlog";
    private static final int MESSAGES = 400;

    @Inject
    EmbeddedBroker broker;

    @Test
    void aDrainedBacklogLeavesNoPagesOnDisk() throws Exception {
        ActiveMQServer server = broker.server();
        server.createQueue(QueueConfiguration.of(ADDRESS).setAddress(ADDRESS).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        PagingStore store = server.getPagingManager().getPageStore(SimpleString.of(ADDRESS));
        byte[] body = new byte[8 * 1024]; // 400 of them: 3.2 MB against 1 MB of broker memory

        try (ServerLocator locator = ActiveMQClient.createServerLocator("vm://0");
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession()) {
            ClientProducer producer = session.createProducer(ADDRESS);
            for (int i = 0; i < MESSAGES; i++) {
                ClientMessage message = session.createMessage(true);
                message.getBodyBuffer().writeBytes(body);
                producer.send(message);
            }
            assertThat(store.isPaging()).as("the backlog pages").isTrue();
            File folder = store.getFolder();
            assertThat(folder).exists();

            session.start();
            ClientConsumer consumer = session.createConsumer(ADDRESS);
            for (int i = 0; i < MESSAGES; i++) {
                ClientMessage message = consumer.receive(10_000);
                assertThat(message).as("message %d of the backlog", i).isNotNull();
                message.acknowledge();
            }
            consumer.close();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(store.isPaging()).isFalse();
                assertThat(folder).doesNotExist();
            });
        }
    }
}

package io.coursewire.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Content-Based Router against real file targets: filters decide who receives what, and a
 * target that cannot be written keeps its delivery on the broker (retried with backoff) until it
 * can — nothing accepted is dropped. Waits on the delivery routes' exchanges with NotifyBuilder.
 */
@QuarkusTest
@TestProfile(ContentBasedRouterTest.FilteredTargets.class)
class ContentBasedRouterTest {

    static final Path ROOT = Path.of("target/test-data/router");
    static final Path COMPLETIONS = ROOT.resolve("zapnito-completions");
    static final Path BLOCKED = ROOT.resolve("digitalchalk-archive");

    public static class FilteredTargets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Retries every 100-200 ms and never give up: the test decides when the target recovers.
            return Map.of("coursewire.targets.file", "src/test/resources/router-targets.yaml",
                    "coursewire.delivery.retry.initial-delay", "100ms",
                    "coursewire.delivery.retry.max-delay", "200ms",
                    "coursewire.delivery.retry.max-attempts", "1000");
        }
    }

    @Inject
    CamelContext camel;
    @Inject
    EmbeddedBroker broker;

    @Test
    void filtersSendEachEventOnlyWhereEveryConditionHolds() {
        // Three deliveries: the progress event to the archive, the completion to the archive and to zapnito-completions.
        NotifyBuilder delivered = new NotifyBuilder(camel).fromRoute("deliver-*").whenCompleted(3).create();
        ObjectNode progressed = Fixtures.json("zapnito-course-participation-updated.json");
        progressed.put("user_id", 501);
        ObjectNode completed = Fixtures.json("zapnito-course-participation-updated.json");
        completed.put("user_id", 501);
        completed.put("completion_percent", 100);

        String progressedId = Webhooks.post("zapnito", Fixtures.write(progressed)).then().statusCode(202).extract().path("id");
        String completedId = Webhooks.post("zapnito", Fixtures.write(completed)).then().statusCode(202).extract().path("id");
        assertThat(delivered.matches(20, TimeUnit.SECONDS)).isTrue();

        EventFiles completions = new EventFiles(COMPLETIONS);
        assertThat(completions.filesOf(completedId)).hasSize(1);
        assertThat(completions.filesOf(progressedId)).as("types filter").isEmpty();
        assertThat(EventFiles.archive().filesOf(progressedId)).as("unfiltered archive").hasSize(1);
    }

    @Test
    void aMessageThatIsNotAnEventHoldsUpNoOtherEvent() throws Exception {
        // Something that is not a canonical event on the events channel (written by hand, or by a broken
        // version): the router fails on it again and again, and the broker redelivers it with backoff.
        try (ServerLocator locator = ActiveMQClient.createServerLocator("vm://0");
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession()) {
            ClientMessage poison = session.createMessage(Message.BYTES_TYPE, true);
            poison.getBodyBuffer().writeBytes("not an event".getBytes(StandardCharsets.UTF_8));
            poison.putBooleanProperty("poison", true);
            session.createProducer(Channels.EVENTS).send(poison);
        }
        try {
            // Failed once: handed back to the broker, which holds it for its redelivery delay.
            await().atMost(Duration.ofSeconds(20)).until(() -> events().getScheduledCount() >= 1);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ObjectNode progressed = Fixtures.json("zapnito-course-participation-updated.json");
                progressed.put("user_id", 700 + i);
                ids.add(Webhooks.post("zapnito", Fixtures.write(progressed)).then().statusCode(202).extract().path("id"));
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (String id : ids) {
                    assertThat(EventFiles.archive().filesOf(id)).as("delivered past the broken message").hasSize(1);
                }
            });
            assertThat(events().getMessageCount()).as("the broken message is still on the channel, retried").isEqualTo(1);
        } finally {
            events().deleteMatchingReferences(FilterImpl.createFilter("poison = TRUE"));
        }
    }

    private org.apache.activemq.artemis.core.server.Queue events() {
        return broker.server().locateQueue(SimpleString.of(Channels.EVENTS));
    }

    @Test
    void anUnwritableTargetHoldsTheEventUntilItCanBeWritten() throws Exception {
        // A plain file where the target's directory should be: every write fails.
        Files.createDirectories(ROOT);
        Files.deleteIfExists(BLOCKED);
        Files.writeString(BLOCKED, "in the way");
        // Each attempt is one exchange of the target's delivery route; the failed ones end in a retry.
        NotifyBuilder attempts = new NotifyBuilder(camel).fromRoute("deliver-digitalchalk-archive").whenDone(3).create();

        String id = Webhooks.post("digitalchalk", Fixtures.text("digitalchalk-offering-completed.json"))
                .then().statusCode(202).extract().path("id");
        assertThat(attempts.matches(20, TimeUnit.SECONDS)).as("delivery failed and was retried").isTrue();
        assertThat(new EventFiles(BLOCKED).filesOf(id)).isEmpty();

        Files.delete(BLOCKED);
        await().atMost(Duration.ofSeconds(30)).until(() -> !new EventFiles(BLOCKED).filesOf(id).isEmpty());
        assertThat(new EventFiles(BLOCKED).filesOf(id)).hasSize(1);
    }
}

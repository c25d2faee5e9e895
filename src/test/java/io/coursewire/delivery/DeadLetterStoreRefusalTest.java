package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.coursewire.channel.Channels;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.support.HttpSinks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A dead letter the store can never take (here: a constraint that refuses the target's rows) does not
 * keep the delivery cycling through the broker, and re-posting to the target, forever: the delivery is
 * parked on the broker's dead-letter queue with its properties and the reason, from where an operator
 * can put it back once the store takes it. Shares HttpDeliveryTest's application (same profile).
 */
@QuarkusTest
@TestProfile(HttpDeliveryTest.Sinks.class)
class DeadLetterStoreRefusalTest {

    private static final String CONSTRAINT = "dead_letter_refuses_unstorable";

    @Inject
    DataSource db;
    @Inject
    EmbeddedBroker broker;

    @AfterEach
    void dropConstraint() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE dead_letter DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
        }
    }

    @Test
    void aDeadLetterTheStoreAlwaysRefusesIsParkedOnTheBrokerDeadLetterQueueInsteadOfRedeliveredForever() throws Exception {
        HttpSinks.server().stubFor(post("/unstorable").willReturn(aResponse().withStatus(410)));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE dead_letter ADD CONSTRAINT " + CONSTRAINT + " CHECK (target <> 'unstorable')");
        }

        String id = HttpDeliveryTest.accept("course-unstorable");

        await().atMost(Duration.ofSeconds(15)).until(() -> parked(id).size() == 1);
        Message parked = parked(id).get(0);
        assertThat(parked.getStringProperty("target")).isEqualTo("unstorable");
        assertThat(parked.getStringProperty("generation")).isEqualTo(DeliveryRequest.ROUTED);
        // 410 on the first answer; a cold first call may time out (1 s) and be retried once before it.
        int attempts = parked.getIntProperty("attempt");
        assertThat(attempts).isBetween(1, 2);
        assertThat(parked.getIntProperty("lastStatus")).isEqualTo(410);
        assertThat(parked.getStringProperty("lastError")).isEqualTo("HTTP 410");
        assertThat(parked.getStringProperty("parkedReason")).contains("dead-letter store").contains("23513");
        assertThat(parked.getStringProperty(Message.HDR_ORIGINAL_QUEUE.toString())).isEqualTo(Channels.deliveryQueue("unstorable"));
        assertThat(parked.toCore().getReadOnlyBodyBuffer().readableBytes()).isPositive();

        // Acknowledged once parked: the target is not asked again (the broker's redeliveries would come
        // 1, 2 and 4 s apart).
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> requests() == attempts);
        assertThat(deadLetterRows(id)).isZero();
        assertThat(parked(id)).hasSize(1);

        // Nothing lost: once the store takes it, the operator puts the delivery back on its queue
        // (Artemis' retry of a dead-letter-queue message), and it ends in the dead-letter store.
        dropConstraint();
        int moved = dlq().retryMessages(FilterImpl.createFilter("eventId = '" + id + "'"));
        assertThat(moved).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetterRows(id) == 1);
        assertThat(parked(id)).isEmpty();
        assertThat(requests()).isEqualTo(attempts + 1);
    }

    private Queue dlq() {
        return broker.server().locateQueue(SimpleString.of(Channels.DEAD_LETTERS));
    }

    private List<Message> parked(String eventId) {
        List<Message> found = new ArrayList<>();
        try (LinkedListIterator<MessageReference> refs = dlq().browserIterator()) {
            while (refs.hasNext()) {
                Message m = refs.next().getMessage();
                if (eventId.equals(m.getStringProperty("eventId"))) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static int requests() {
        return HttpSinks.server().findAll(postRequestedFor(urlEqualTo("/unstorable"))).size();
    }

    private long deadLetterRows(String eventId) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dead_letter WHERE event_id = ? AND target = 'unstorable'")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

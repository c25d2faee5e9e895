package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.coursewire.support.AttemptLog;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The second address check (§5): a subscription whose URL was acceptable when it was registered but now
 * points at a private address (here: a row as another instance, or a DNS change, leaves it — its URL on
 * loopback) is not posted to; each attempt fails like a connection error, naming the refusal. The
 * default test profile keeps coursewire.subscriptions.allow-private-networks=false.
 */
@QuarkusTest
class SubscriberAddressRecheckTest {

    @Inject
    DataSource db;

    WireMockServer sink;

    @BeforeEach
    void startSink() {
        sink = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        sink.start();
        sink.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stopSink() {
        sink.stop();
    }

    @Test
    void aSubscriberNowOnAPrivateAddressIsRefusedAtDelivery() throws Exception {
        String course = "course-" + UUID.randomUUID();
        long id = insertSubscription("http://127.0.0.1:" + sink.port() + "/rebound", course);
        // The registry reads the row in (it watches the table for other instances' changes).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin().get("/api/v1/rest_hooks/course_completed/subscriptions")
                .then().statusCode(200).body("id", hasItem(Long.toString(id))));

        String event = HttpDeliveryTest.accept(course);

        await().atMost(Duration.ofSeconds(10)).until(() -> !AttemptLog.errors(db, event, "subscription:" + id).isEmpty());
        assertThat(AttemptLog.errors(db, event, "subscription:" + id).get(0)).contains("refused").contains("127.0.0.1").contains("loopback");
        assertThat(AttemptLog.outcomes(db, event, "subscription:" + id).get(0)).isEqualTo("retrying");
        sink.verify(0, anyRequestedFor(anyUrl()));
    }

    private long insertSubscription(String url, String course) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO subscription (event, url, course, created_at) VALUES (?, ?, ?, ?)",
                        new String[] { "id" })) {
            ps.setString(1, "course_completed");
            ps.setString(2, url);
            ps.setString(3, course);
            ps.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

}

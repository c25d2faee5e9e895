package io.coursewire.accept;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With the durable channel down, nothing is acknowledged: vendors get 503 with Retry-After and retry,
 * readiness reports DOWN, and once the broker is back, accepting and routing resume by themselves.
 * Runs in its own application instance, since it stops the broker.
 */
@QuarkusTest
@TestProfile(BrokerOutageTest.Outage.class)
class BrokerOutageTest {

    public static class Outage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.ingest.accept-timeout", "2s");
        }
    }

    @Inject
    EmbeddedBroker broker;
    @Inject
    DurableChannel channel;

    @AfterEach
    void brokerBackUp() throws Exception {
        broker.start();
    }

    @Test
    void brokerDownMeans503WithRetryAfterThenRecovery() throws Exception {
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("before@example.com")).then().statusCode(202);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);

        broker.stop();

        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("during@example.com")).then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("status", equalTo(503));
        given().get("/q/health/ready").then().statusCode(503);
        given().get("/q/health/live").then().statusCode(200); // alive, just not ready: no restart needed

        broker.start();

        // The vendor's retry of the refused event now succeeds, as a first accept, and is routed.
        String id = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Webhooks.post("tagmango", Fixtures.tagmangoCompletion("during@example.com")), r -> r.statusCode() == 202)
                .then().body("duplicate", equalTo(false)).extract().path("id");
        EventFiles.archive().awaitEvent(id);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * After a crash the Idempotent Receiver learns from the broker the events its log does not hold yet;
     * those not yet routed can be more than the broker's duplicate-id cache remembers (a backlog), and
     * the broker hands back the ids of its unconsumed messages too. Here 600 more than the cache holds
     * wait on a queue nobody consumes, and every id is still known after the broker restarts.
     */
    @Test
    void theIdsOfABacklogLargerThanTheIdCacheAreKnownAfterARestart() throws Exception {
        String queue = "coursewire.test.backlog";
        channel.ensureQueue(queue);
        List<String> ids = new ArrayList<>();
        for (int batch = 0; ids.size() < broker.eventsIdCacheSize() + 600; batch++) {
            List<DurableChannel.Outgoing> messages = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String id = "backlog-" + batch + "-" + i;
                ids.add(id);
                messages.add(new DurableChannel.Outgoing(queue, id, id.getBytes(StandardCharsets.UTF_8), Map.of(), 0));
            }
            channel.send(messages).get(30, TimeUnit.SECONDS);
        }

        broker.stop();
        broker.start();

        List<String> known = broker.acceptedIds(queue);
        assertThat(new HashSet<>(known)).as("ids the broker knows after its restart").containsAll(ids);
        assertThat(known.subList(0, 3)).as("oldest first").containsExactly(ids.get(0), ids.get(1), ids.get(2));
    }
}

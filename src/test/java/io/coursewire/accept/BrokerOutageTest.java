package io.coursewire.accept;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


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
}

package io.coursewire.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The broker's disk, as vendors and the supervisor see it: over {@code max-disk-usage} ingest is
 * refused at once with 503 + Retry-After and readiness is DOWN while liveness stays UP; a broker that
 * stops itself on a critical IO error makes liveness DOWN, so the process is restarted. Runs in its
 * own application instance, since it fills the disk and breaks the broker.
 */
@QuarkusTest
@TestProfile(BrokerStorageHealthTest.OwnBroker.class)
class BrokerStorageHealthTest {

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Stated, not defaulted: the 503 below must come well before this, not from it.
            return Map.of("coursewire.ingest.accept-timeout", "5s");
        }
    }

    @Inject
    EmbeddedBroker broker;

    @AfterEach
    void diskAndBrokerRestored() throws Exception {
        if (broker.hasStoppedItself()) {
            broker.stop();
            broker.start();
        }
        FileStoreMonitor monitor = monitor();
        monitor.setMaxUsage(0.90);
        monitor.tick();
    }

    @Test
    void overMaxDiskUsageIngestIsRefusedAtOnceAndReadinessIsDownWhileLivenessStaysUp() {
        post("before@example.com").then().statusCode(202);

        // The disk "fills": the broker's own disk monitor, with its limit lowered below today's use.
        FileStoreMonitor monitor = monitor();
        monitor.setMaxUsage(0.0);
        monitor.tick();

        long start = System.nanoTime();
        post("during@example.com").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'durable-channel' }.data.diskFull", equalTo(true));
        given().get("/q/health/live").then().statusCode(200);

        // Space is freed: the vendor's retry is accepted and routed.
        monitor.setMaxUsage(0.90);
        monitor.tick();
        String id = post("during@example.com").then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        EventFiles.archive().awaitEvent(id);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aBrokerThatStopsItselfOnACriticalIoErrorMakesLivenessDown() {
        given().get("/q/health/live").then().statusCode(200);

        // Artemis' own critical-error path, as the journal takes it when a write fails (e.g. no space left).
        broker.server().getIoCriticalErrorListener().onIOException(new IOException("simulated: No space left on device"),
                "simulated journal write failure", null);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/live").then().statusCode(503)
                .body("checks.find { it.name == 'embedded-broker' }.status", equalTo("DOWN")));
        given().get("/q/health/ready").then().statusCode(503);
        post("stopped@example.com").then().statusCode(503).header("Retry-After", notNullValue());

        // What the supervisor's restart does, in-process: the broker comes back and liveness with it.
        try {
            broker.stop();
            broker.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    private FileStoreMonitor monitor() {
        return ((ActiveMQServerImpl) broker.server()).getMonitor();
    }

    private static Response post(String email) {
        return Webhooks.post("tagmango", Fixtures.tagmangoCompletion(email));
    }
}

package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Crash safety of delivery to REST Hook subscribers (§6 holds for them as for static targets), with the
 * packaged service as a separate process and a real HTTP sink that outlives it: two subscribers, "ok"
 * (200) and "flaky" (503 until the restart, so its circuit opens and its deliveries are retries and
 * held deliveries at the kill); a few hundred events posted concurrently; the service killed (SIGKILL)
 * mid-stream and started again on the same data directory. Every event that got a 202 reaches both.
 */
class SubscriberCrashIT {

    private static final int EVENTS = 300;
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer coursewire-demo-admin-token");

    private WireMockServer sink;
    private Path dataDir;
    private Map<String, String> properties;

    @BeforeEach
    void sinkAndInstallation() throws IOException {
        sink = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40).disableRequestJournal());
        sink.start();
        dataDir = Path.of("target/it-data/subscriber-crash");
        FreshDataDirectory.delete(dataDir);
        Files.createDirectories(dataDir);
        Path targets = dataDir.resolve("targets.yaml");
        Files.writeString(targets, "targets: []\n");
        properties = Map.of("coursewire.targets.file", targets.toAbsolutePath().toString(),
                "coursewire.subscriptions.allow-private-networks", "true",
                "coursewire.delivery.retry.initial-delay", "2s", "coursewire.delivery.retry.max-delay", "2s",
                "coursewire.delivery.retry.max-attempts", "1000",
                "coursewire.delivery.circuit.probe-interval", "5s");
    }

    @AfterEach
    void stopSink() {
        sink.stop();
    }

    @Test
    void everyAcceptedEventReachesEverySubscriberAfterAKill() throws Exception {
        Set<String> okArrivals = ConcurrentHashMap.newKeySet();
        Set<String> flakyArrivals = ConcurrentHashMap.newKeySet();
        sink.stubFor(post("/ok").willReturn(aResponse().withStatus(200)));
        sink.stubFor(post("/flaky").willReturn(aResponse().withStatus(503)));
        sink.addMockServiceRequestListener((request, response) -> {
            if (response.getStatus() == 200) {
                (request.getUrl().equals("/ok") ? okArrivals : flakyArrivals).add(request.getHeader("webhook-id"));
            }
        });

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            for (String path : new String[] { "/ok", "/flaky" }) {
                var created = service.post("/api/v1/rest_hooks/course_completed/subscriptions", "application/json", ADMIN,
                        "{\"url\": \"" + sink.baseUrl() + path + "\"}");
                assertThat(created.statusCode()).isEqualTo(201);
            }
            ExecutorService senders = DeliveryCrashIT.postCompletions(service, EVENTS, "subscriber-crash-", accepted);
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= EVENTS / 2);
            service.kill();
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        System.out.printf("subscribers, kill -9 mid-stream: %d accepted, %d delivered to ok and %d to flaky before the restart%n",
                accepted.size(), okArrivals.size(), flakyArrivals.size());
        assertThat(flakyArrivals).isEmpty();

        sink.stubFor(post("/flaky").willReturn(aResponse().withStatus(200)));
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(okArrivals).as("ok: every accepted event").containsAll(accepted);
                assertThat(flakyArrivals).as("flaky: every accepted event").containsAll(accepted);
            });
        }
    }
}

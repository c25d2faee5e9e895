package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Crash safety of delivery, with the packaged service as a separate process and a real HTTP sink
 * that outlives it: a few hundred events are posted concurrently, the service is killed (SIGKILL) or
 * stopped (SIGTERM) mid-stream, then started again on the same data directory. Every event that got a
 * 202 must reach both targets at least once: "ok", which answers 200 (pending deliveries resume), and
 * "flaky", which answered 503 until the restart (waiting retries resume).
 */
class DeliveryCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 400;

    private WireMockServer sink;
    private Path dataDir;
    private Map<String, String> properties;

    @BeforeEach
    void sinkAndInstallation(org.junit.jupiter.api.TestInfo test) throws IOException {
        sink = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40).disableRequestJournal());
        sink.start();
        dataDir = Path.of("target/it-data/crash").resolve(test.getDisplayName().replaceAll("[^a-zA-Z0-9]", "_"));
        FreshDataDirectory.delete(dataDir);
        Files.createDirectories(dataDir);
        Path targets = dataDir.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n"
                + "  - name: ok\n    type: http\n    url: " + sink.baseUrl() + "/ok\n"
                + "  - name: flaky\n    type: http\n    url: " + sink.baseUrl() + "/flaky\n");
        // Retries every 2 s, never exhausted: at the crash, flaky's deliveries are waiting retries.
        properties = Map.of("coursewire.targets.file", targets.toAbsolutePath().toString(),
                "coursewire.delivery.retry.initial-delay", "2s", "coursewire.delivery.retry.max-delay", "2s",
                "coursewire.delivery.retry.max-attempts", "1000");
    }

    @AfterEach
    void stopSink() {
        sink.stop();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "kill -9", "SIGTERM" })
    void everyAcceptedEventReachesEveryTargetAfterARestart(String how) throws Exception {
        Set<String> okArrivals = ConcurrentHashMap.newKeySet();
        Set<String> flakyArrivals = ConcurrentHashMap.newKeySet();
        sink.stubFor(post("/ok").willReturn(aResponse().withStatus(200)));
        sink.stubFor(post("/flaky").willReturn(aResponse().withStatus(503)));
        sink.addMockServiceRequestListener((request, response) -> {
            if (response.getStatus() == 200) {
                String id = request.getHeader("webhook-id");
                (request.getUrl().equals("/ok") ? okArrivals : flakyArrivals).add(id);
            }
        });

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            ExecutorService senders = postCompletions(service, EVENTS, "crash-", accepted);
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= EVENTS / 2);
            if (how.equals("kill -9")) {
                service.kill();
            } else {
                service.stop();
            }
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        int delivered = okArrivals.size();
        System.out.printf("%s mid-stream: %d accepted, %d delivered to ok and %d to flaky before the restart%n",
                how, accepted.size(), delivered, flakyArrivals.size());
        assertThat(flakyArrivals).isEmpty();

        sink.stubFor(post("/flaky").willReturn(aResponse().withStatus(200)));
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(okArrivals).as("ok: every accepted event").containsAll(accepted);
                assertThat(flakyArrivals).as("flaky: every accepted event").containsAll(accepted);
            });
        }
        Set<String> unaccepted = okArrivals.stream().filter(id -> !accepted.contains(id)).collect(Collectors.toSet());
        System.out.printf("%s: all %d accepted events delivered to both targets after the restart (%d more were stored though their 202 was cut off)%n",
                how, accepted.size(), unaccepted.size());
    }

    /**
     * A dead letter is the only copy of a delivery once the broker has let it go, so it must be on disk
     * before that. While events keep arriving and flaky answers 410 to each, the service is killed the
     * moment it lists some dead letters; after the restart it lists every one of them. (H2 writes
     * committed rows in the background, up to half a second later, unless told to write them now.)
     */
    @Test
    void everyListedDeadLetterSurvivesAKill() throws Exception {
        sink.stubFor(post("/ok").willReturn(aResponse().withStatus(200)));
        sink.stubFor(post("/flaky").willReturn(aResponse().withStatus(410)));
        Map<String, String> admin = Map.of("Authorization", "Bearer coursewire-demo-admin-token");
        List<String> listed = new ArrayList<>();
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int i = 0; i < EVENTS; i++) {
                String body = Fixtures.tagmangoCompletion("gone-" + i + "@example.com");
                senders.submit(() -> service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(), body));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                listed.clear();
                listed.addAll(JSON.readTree(service.get("/api/v1/dead-letters?limit=1000", admin).body()).findValuesAsText("eventId"));
                return listed.size() >= 50;
            });
            service.kill();
            senders.shutdownNow();
        }
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            List<String> after = JSON.readTree(service.get("/api/v1/dead-letters?limit=1000", admin).body()).findValuesAsText("eventId");
            System.out.printf("dead letters: %d listed before the kill, %d after the restart%n", listed.size(), after.size());
            assertThat(after).containsAll(listed);
        }
    }

    /**
     * Posts {@code count} distinct TagMango completions from 16 threads and collects the ids of those
     * answered 202; returns the senders, still running (a test kills the service underneath them).
     */
    static ExecutorService postCompletions(ServiceProcess service, int count, String emailPrefix, Set<String> accepted) {
        ExecutorService senders = Executors.newFixedThreadPool(16);
        for (int i = 0; i < count; i++) {
            String body = Fixtures.tagmangoCompletion(emailPrefix + i + "@example.com");
            senders.submit(() -> {
                try {
                    var response = service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(), body);
                    if (response.statusCode() == 202) {
                        accepted.add(JSON.readTree(response.body()).path("id").asText());
                    }
                } catch (IOException | InterruptedException refusedOrCut) {
                    // the service went away mid-request: no 202, no promise
                }
                return null;
            });
        }
        return senders;
    }
}

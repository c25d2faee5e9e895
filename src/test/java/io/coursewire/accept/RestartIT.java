package io.coursewire.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Durability and duplicate detection across restarts of the packaged service: a graceful restart
 * and a {@code kill -9} right after the 202.
 */
class RestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("target/it-data/restart");

    private Path dataDir;
    private EventFiles files;
    private Map<String, String> properties;

    @BeforeEach
    void freshInstallation(org.junit.jupiter.api.TestInfo test) throws Exception {
        dataDir = ROOT.resolve(test.getTestMethod().orElseThrow().getName());
        FreshDataDirectory.delete(dataDir);
        Files.createDirectories(dataDir);
        Path events = dataDir.resolve("events");
        Path targets = dataDir.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  - name: archive\n    type: file\n    directory: " + events.toAbsolutePath() + "\n");
        files = new EventFiles(events);
        // One consumer per stage: the queues are then strictly FIFO, so a later event's file proves an earlier one was handled.
        properties = Map.of("coursewire.targets.file", targets.toAbsolutePath().toString(), "coursewire.routing.consumers", "1",
                "coursewire.delivery.consumers", "1");
    }

    private static JsonNode postTagMango(ServiceProcess service, String body) throws Exception {
        var response = service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    @Test
    void aRetryAfterARestartIsStillADuplicateAndStillOneFile() throws Exception {
        String body = Fixtures.tagmangoCompletion("restart@example.com");
        String id;
        Object inode;
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            JsonNode first = postTagMango(service, body);
            assertThat(first.path("duplicate").asBoolean()).isFalse();
            id = first.path("id").asText();
            files.awaitEvent(id);
            inode = Files.readAttributes(files.filesOf(id).get(0), BasicFileAttributes.class).fileKey();
            service.stop();
        }
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            JsonNode retry = postTagMango(service, body);
            assertThat(retry.path("id").asText()).isEqualTo(id);
            assertThat(retry.path("duplicate").asBoolean()).isTrue();

            String sentinel = postTagMango(service, Fixtures.tagmangoCompletion("sentinel@example.com")).path("id").asText();
            files.awaitEvent(sentinel);
            assertThat(files.filesOf(id)).hasSize(1);
            assertThat(Files.readAttributes(files.filesOf(id).get(0), BasicFileAttributes.class).fileKey())
                    .as("the retry was not routed again").isEqualTo(inode);
        }
    }

    @Test
    void anAcknowledgedEventSurvivesKill9AndIsRoutedOnce() throws Exception {
        String body = Fixtures.tagmangoCompletion("kill9@example.com");
        String id;
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            id = postTagMango(service, body).path("id").asText();
            service.kill(); // at once after the 202: routing may not have happened yet
        }
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            JsonNode event = files.awaitEvent(id);
            assertThat(event.path("data").path("learner").path("email").asText()).isEqualTo("kill9@example.com");

            JsonNode retry = postTagMango(service, body);
            assertThat(retry.path("id").asText()).isEqualTo(id);
            assertThat(retry.path("duplicate").asBoolean()).isTrue();
            String sentinel = postTagMango(service, Fixtures.tagmangoCompletion("after-kill@example.com")).path("id").asText();
            files.awaitEvent(sentinel);
            assertThat(files.filesOf(id)).hasSize(1);
        }
    }

    /**
     * The event log is written after routing, in batches, and H2 puts a commit on disk up to half a
     * second later: a kill -9 right after a burst of 202s leaves events the broker has (acknowledged,
     * maybe already routed) whose log rows are not on disk. The duplicate window is seeded from the
     * log and from the broker's journalled id cache, so every retry is still a duplicate, and each
     * event still reaches the target once.
     */
    @Test
    void aBurstKilledBeforeItsLogRowsAreOnDiskIsStillDeduplicatedAndRoutedOnce() throws Exception {
        int burst = 300;
        java.util.List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < burst; i++) {
            bodies.add(Fixtures.tagmangoCompletion("burst-" + i + "@example.com"));
        }
        String[] ids = new String[burst];
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
            java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < burst; i++) {
                int n = i;
                sent.add(senders.submit(() -> {
                    ids[n] = postTagMango(service, bodies.get(n)).path("id").asText();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();
            service.kill(); // within milliseconds of the last 202
        }
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            for (int i = 0; i < burst; i++) {
                JsonNode retry = postTagMango(service, bodies.get(i));
                assertThat(retry.path("id").asText()).isEqualTo(ids[i]);
                assertThat(retry.path("duplicate").asBoolean()).as("retry of event %d after the kill", i).isTrue();
            }
            String sentinel = postTagMango(service, Fixtures.tagmangoCompletion("after-burst@example.com")).path("id").asText();
            files.awaitEvent(sentinel);
            for (String id : ids) {
                assertThat(files.filesOf(id)).as("files of %s", id).hasSize(1);
            }
        }
    }

    @Test
    void aGracefulStopUnderLoadAnswers202Or503AndLosesNoAcceptedEvent() throws Exception {
        java.util.List<String> accepted = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Integer> refusals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<java.util.concurrent.Future<Object>> running = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                running.add(senders.submit(() -> {
                    // Bounded: at most 2,000 requests per sender, ending at the first refused connection.
                    for (int i = 0; i < 2_000; i++) {
                        try {
                            var r = service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(),
                                    Fixtures.tagmangoCompletion("load-" + n.incrementAndGet() + "@example.com"));
                            if (r.statusCode() == 202) {
                                accepted.add(JSON.readTree(r.body()).path("id").asText());
                            } else {
                                refusals.add(r.statusCode());
                                // Coursewire's own refusals carry Retry-After; the HTTP layer's bare 503 in the
                                // last moment of its drain does not (see the README's guarantees).
                                if (r.statusCode() == 503 && r.body().contains("problem")) {
                                    assertThat(r.headers().firstValue("Retry-After")).as("503 without Retry-After").isPresent();
                                }
                            }
                        } catch (java.io.IOException closed) {
                            if (stopping.get()) {
                                return null; // the listener is gone: the service has stopped
                            }
                            throw closed;
                        }
                    }
                    return null;
                }));
            }
            org.awaitility.Awaitility.await().until(() -> accepted.size() >= 200);
            stopping.set(true);
            service.stop(); // SIGTERM while requests are in flight
            senders.shutdown();
            assertThat(senders.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (var sender : running) {
                sender.get(); // surfaces any assertion a sender failed
            }
        }
        System.out.printf("graceful stop under load: %d accepted, %d refused (%s)%n", accepted.size(), refusals.size(), refusals);
        assertThat(refusals).as("only 503s while stopping, never a 5xx fault").allMatch(status -> status == 503);

        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> accepted.stream().allMatch(id -> !files.filesOf(id).isEmpty()));
        }
    }
}

package io.coursewire.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.coursewire.support.ExternalArtemis;
import io.coursewire.support.ExternalPostgres;
import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Scale-out (PRODUCT.md §9): two packaged instances in profile {@code cluster} on an external ActiveMQ
 * Artemis 2.40.0 that requires a login (started from its own distribution) and on PostgreSQL, with real
 * HTTP sinks as targets. Every guarantee of §6 across instances: a vendor retry that reaches the other
 * instance is a duplicate; each delivery is made once, by one of them; dead letters, replays,
 * subscriptions and the event records are shared; an instance killed with kill -9 loses nothing it
 * acknowledged and the other makes its waiting retries; a broker restart costs 503s, then both recover
 * by themselves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("target/it-data/cluster");
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer coursewire-demo-admin-token");
    private static final String TAGMANGO = "/webhooks/tagmango?token=tagmango-demo-secret";

    private static ExternalArtemis broker;
    private static ExternalPostgres database;
    private static WireMockServer sink;

    /** Deliveries that reached the sink (answered 2xx), by path, then by webhook-id, with their count. */
    private final Map<String, Map<String, AtomicInteger>> arrivals = new ConcurrentHashMap<>();
    private final List<ServiceProcess> instances = new ArrayList<>();
    private Path testDir;

    @BeforeAll
    static void engines() throws Exception {
        FreshDataDirectory.delete(ROOT);
        Files.createDirectories(ROOT);
        broker = ExternalArtemis.create(ROOT.resolve("artemis"), "coursewire", "broker-secret").start();
        database = ExternalPostgres.start(ROOT.resolve("postgres"));
        sink = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40).disableRequestJournal());
        sink.start();
    }

    @AfterAll
    static void stopEngines() {
        if (sink != null) {
            sink.stop();
        }
        if (database != null) {
            database.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void countArrivals(TestInfo test) throws Exception {
        if (!broker.running()) {
            broker.start(); // a test that failed mid-outage left it down
        }
        testDir = ROOT.resolve(test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(testDir);
        sink.resetAll();
        sink.addMockServiceRequestListener((request, response) -> {
            if (response.getStatus() / 100 == 2) {
                arrivals.computeIfAbsent(request.getUrl(), p -> new ConcurrentHashMap<>())
                        .computeIfAbsent(request.getHeader("webhook-id"), id -> new AtomicInteger()).incrementAndGet();
            }
        });
    }

    @AfterEach
    void stopInstances() throws InterruptedException {
        for (ServiceProcess instance : instances) {
            instance.close();
        }
    }

    @Test
    @Order(1) // first: its two instances start together on the empty database
    void twoInstancesAreOneService() throws Exception {
        sink.stubFor(post(urlPathMatching("/one/(a|b|sub)")).willReturn(aResponse().withStatus(200)));
        sink.stubFor(post("/one/gone").willReturn(aResponse().withStatus(410)));
        Path targets = targets("a", "/one/a", "b", "/one/b", "gone", "/one/gone");
        // Started together on an empty database: one migrates it while the other waits for Flyway's lock.
        // B is given a list of brokers whose first answers nothing (a failover list with its live member
        // second): it connects to the one that answers, for its own sessions and for the JMS consumers.
        List<ServiceProcess> both = startTogether(targets, Map.of("one-b", "(tcp://127.0.0.1:" + unusedPort() + "," + broker.url() + ")"),
                "one-a", "one-b");
        ServiceProcess a = both.get(0);
        ServiceProcess b = both.get(1);
        List<String> migrationLogs = List.of(Files.readString(testDir.resolve("one-a/service-1.log")),
                Files.readString(testDir.resolve("one-b/service-1.log")));
        assertThat(migrationLogs).as("one instance migrated the empty database, the other found it done")
                .filteredOn(log -> log.matches("(?s).*Successfully applied \\d+ migrations.*")).hasSize(1);
        assertThat(migrationLogs).filteredOn(log -> log.contains("No migration necessary")).hasSize(1);

        int events = 200;
        Map<String, String> bodies = new ConcurrentHashMap<>(); // event id -> body
        Map<String, ServiceProcess> firstPostedTo = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<?>> posts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            ServiceProcess to = i % 2 == 0 ? a : b;
            String body = Fixtures.tagmangoCompletion("one-" + i + "@example.com");
            posts.add(senders.submit(() -> {
                JsonNode answer = accepted(to.post(TAGMANGO, "application/json", Map.of(), body));
                assertThat(answer.path("duplicate").asBoolean()).as("a first post is not a duplicate").isFalse();
                bodies.put(answer.path("id").asText(), body);
                firstPostedTo.put(answer.path("id").asText(), to);
                return null;
            }));
        }
        for (Future<?> f : posts) {
            f.get(60, TimeUnit.SECONDS);
        }
        // The vendor retries every event, and each retry reaches the other instance.
        posts.clear();
        AtomicInteger duplicates = new AtomicInteger();
        bodies.forEach((id, body) -> posts.add(senders.submit(() -> {
            ServiceProcess other = firstPostedTo.get(id) == a ? b : a;
            JsonNode answer = accepted(other.post(TAGMANGO, "application/json", Map.of(), body));
            assertThat(answer.path("id").asText()).isEqualTo(id);
            if (answer.path("duplicate").asBoolean()) {
                duplicates.incrementAndGet();
            }
            return null;
        })));
        for (Future<?> f : posts) {
            f.get(60, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertThat(duplicates).as("retries answered duplicate: true by the other instance").hasValue(events);

        // Every event reaches every target exactly once: once all have arrived and nothing is left on
        // the broker, no second copy is on its way either.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(arrived("/one/a")).containsOnlyKeys(bodies.keySet());
            assertThat(arrived("/one/b")).containsOnlyKeys(bodies.keySet());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.messageCount("coursewire.events") == 0
                && broker.messageCount("coursewire.delivery.a") == 0 && broker.messageCount("coursewire.delivery.b") == 0);
        assertThat(arrived("/one/a").values()).as("deliveries to a per event").allMatch(n -> n == 1);
        assertThat(arrived("/one/b").values()).as("deliveries to b per event").allMatch(n -> n == 1);
        double byA = delivered(a, "a") + delivered(a, "b");
        double byB = delivered(b, "a") + delivered(b, "b");
        System.out.printf("two instances: %d events, %d retries answered duplicate by the other instance; deliveries made by A %.0f, by B %.0f%n",
                events, duplicates.get(), byA, byB);
        assertThat(byA + byB).isEqualTo(2.0 * events);
        assertThat(byA).as("instance A made deliveries").isPositive();
        assertThat(byB).as("instance B made deliveries").isPositive();

        // The records are shared: an event posted to A is found through B, with its attempts.
        String postedToA = firstPostedTo.entrySet().stream().filter(e -> e.getValue() == a).findFirst().orElseThrow().getKey();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> event = b.get("/api/v1/events/" + postedToA, ADMIN);
            assertThat(event.statusCode()).isEqualTo(200);
            assertThat(event.body()).contains("\"a\"", "\"b\"", "delivered");
        });

        // Dead letters are shared: "gone" refused every event (410); B lists what A dead-lettered, and
        // a replay asked of A is delivered once the target takes it again.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                JSON.readTree(b.get("/api/v1/dead-letters?target=gone&limit=1000", ADMIN).body()).findValuesAsText("eventId"))
                .containsExactlyInAnyOrderElementsOf(bodies.keySet()));
        JsonNode deadLetter = JSON.readTree(b.get("/api/v1/dead-letters?target=gone&limit=1", ADMIN).body()).path("deadLetters").path(0);
        sink.stubFor(post("/one/gone").willReturn(aResponse().withStatus(200)));
        HttpResponse<String> replay = a.post("/api/v1/dead-letters/" + deadLetter.path("id").asText() + "/replay", "application/json", ADMIN, "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> arrived("/one/gone").containsKey(deadLetter.path("eventId").asText()));

        // Subscriptions are shared: registered through A, an event posted to B reaches the subscriber.
        HttpResponse<String> subscribed = a.post("/api/v1/rest_hooks/course_completed/subscriptions", "application/json", ADMIN,
                "{\"url\":\"" + sink.baseUrl() + "/one/sub\"}");
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
        String subscription = JSON.readTree(subscribed.body()).path("id").asText();
        // B reads the new subscription from the database within its reload interval: an event it routed before
        // that is not the subscriber's, so each try posts a new event and waits 5 s for it, until one arrives.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.awaitility.core.ConditionTimeoutException.class).untilAsserted(() -> {
            String id = accepted(b.post(TAGMANGO, "application/json", Map.of(),
                    Fixtures.tagmangoCompletion("one-sub-" + System.nanoTime() + "@example.com"))).path("id").asText();
            await().atMost(Duration.ofSeconds(5)).until(() -> arrived("/one/sub").containsKey(id));
        });
        assertThat(b.delete("/api/v1/rest_hooks/course_completed/subscriptions/" + subscription, ADMIN).statusCode()).isEqualTo(204);
    }

    @Test
    @Order(2)
    void anInstanceKilledMidStreamLosesNothingAndTheOtherMakesItsRetries() throws Exception {
        sink.stubFor(post("/kill/ok").willReturn(aResponse().withStatus(200)));
        sink.stubFor(post("/kill/flaky").willReturn(aResponse().withStatus(503)));
        Path targets = targets("ok", "/kill/ok", "flaky", "/kill/flaky");
        List<ServiceProcess> both = startTogether(targets, "kill-a", "kill-b");
        ServiceProcess a = both.get(0);
        ServiceProcess b = both.get(1);

        int events = 400;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        for (int i = 0; i < events; i++) {
            ServiceProcess to = i % 2 == 0 ? a : b;
            String body = Fixtures.tagmangoCompletion("kill-" + i + "@example.com");
            senders.submit(() -> {
                postQuietly(to, body, accepted, null);
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= events / 3);
        a.kill();
        senders.shutdown();
        assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(arrived("/kill/flaky")).as("flaky refused everything so far").isEmpty();
        // The waiting retries are on the shared broker: the survivor lists them as flaky's pending deliveries.
        JsonNode inForce = JSON.readTree(b.get("/api/v1/targets", ADMIN).body());
        long pendingAtFlaky = 0;
        for (JsonNode target : inForce.path("targets")) {
            if (target.path("name").asText().equals("flaky")) {
                pendingAtFlaky = target.path("pending").asLong();
            }
        }
        assertThat(pendingAtFlaky).as("flaky's pending deliveries, as the survivor reads them from the broker").isPositive();
        assertThat(queueDepth(b, "coursewire.delivery.flaky")).isPositive();

        // Every delivery to flaky is now a waiting retry on the broker, some scheduled by the dead
        // instance: the survivor makes them once flaky answers again.
        sink.stubFor(post("/kill/flaky").willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(arrived("/kill/ok").keySet()).as("ok: every accepted event").containsAll(accepted);
            assertThat(arrived("/kill/flaky").keySet()).as("flaky: every accepted event").containsAll(accepted);
        });
        System.out.printf("kill -9 of one instance mid-stream: %d of %d events accepted, all delivered to both targets;"
                + " the survivor made %.0f deliveries to flaky%n", accepted.size(), events, delivered(b, "flaky"));
        assertThat(delivered(b, "flaky")).isGreaterThanOrEqualTo(accepted.size());
    }

    @Test
    @Order(3)
    void aBrokerRestartCostsRefusalsThenBothInstancesRecover() throws Exception {
        sink.stubFor(post("/restart/ok").willReturn(aResponse().withStatus(200)));
        Path targets = targets("ok", "/restart/ok");
        List<ServiceProcess> both = startTogether(targets, "restart-a", "restart-b");

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refusedWithRetryAfter = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            senders.submit(() -> {
                while (sending.get()) {
                    int i = counter.getAndIncrement();
                    postQuietly(both.get(i % 2), Fixtures.tagmangoCompletion("restart-" + i + "@example.com"), accepted, refusedWithRetryAfter);
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 100);
        broker.kill();
        int acceptedBeforeOutage = accepted.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> refusedWithRetryAfter.get() > 10);
        for (ServiceProcess instance : both) {
            await().atMost(Duration.ofSeconds(30)).until(() -> instance.get("/q/health/ready", Map.of()).statusCode() == 503);
        }
        broker.start();
        for (ServiceProcess instance : both) {
            await().atMost(Duration.ofSeconds(60)).until(() -> instance.get("/q/health/ready", Map.of()).statusCode() == 200);
        }
        int acceptedAtRecovery = accepted.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= acceptedAtRecovery + 100);
        sending.set(false);
        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(120)).untilAsserted(
                () -> assertThat(arrived("/restart/ok").keySet()).as("every accepted event delivered").containsAll(accepted));
        System.out.printf("broker killed and restarted mid-stream: %d accepted before, %d refused with 503 + Retry-After, %d accepted in all,"
                + " all delivered%n", acceptedBeforeOutage, refusedWithRetryAfter.get(), accepted.size());
    }

    // --- helpers -------------------------------------------------------------------------------------

    private Path targets(String... nameAndPath) throws IOException {
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (int i = 0; i < nameAndPath.length; i += 2) {
            yaml.append("  - name: ").append(nameAndPath[i]).append("\n    type: http\n    url: ").append(sink.baseUrl())
                    .append(nameAndPath[i + 1]).append('\n');
        }
        Path file = testDir.resolve("targets.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Instances in profile cluster on the shared broker and database, started at the same time. */
    private List<ServiceProcess> startTogether(Path targets, String... names) throws Exception {
        return startTogether(targets, Map.of(), names);
    }

    /** The same, with a broker URL of its own for some instances (by name). */
    private List<ServiceProcess> startTogether(Path targets, Map<String, String> brokerUrls, String... names) throws Exception {
        ExecutorService starts = Executors.newFixedThreadPool(names.length);
        List<Future<ServiceProcess>> started = new ArrayList<>();
        for (String name : names) {
            Map<String, String> properties = clusterProperties(targets);
            if (brokerUrls.containsKey(name)) {
                properties.put("coursewire.broker.url", brokerUrls.get(name));
            }
            ServiceProcess instance = new ServiceProcess(testDir.resolve(name), properties);
            instances.add(instance);
            started.add(starts.submit(instance::start));
        }
        List<ServiceProcess> ready = new ArrayList<>();
        for (Future<ServiceProcess> f : started) {
            ready.add(f.get(120, TimeUnit.SECONDS));
        }
        starts.shutdown();
        return ready;
    }

    private static Map<String, String> clusterProperties(Path targets) {
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "cluster");
        p.put("coursewire.broker.url", broker.url());
        p.put("coursewire.broker.username", broker.user());
        p.put("coursewire.broker.password", broker.password());
        p.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        p.put("quarkus.datasource.username", database.username());
        p.put("quarkus.datasource.password", database.password());
        p.put("coursewire.targets.file", targets.toAbsolutePath().toString());
        // Retries every second, never exhausted; subscriptions seen by the other instance within a second.
        p.put("coursewire.delivery.retry.initial-delay", "1s");
        p.put("coursewire.delivery.retry.max-delay", "1s");
        p.put("coursewire.delivery.retry.max-attempts", "1000");
        p.put("coursewire.targets.reload-interval", "1s");
        p.put("coursewire.subscriptions.allow-private-networks", "true");
        return p;
    }

    private static int unusedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode accepted(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    /** Posts one event; records its id when answered 202, counts a 503 that says when to retry. */
    private static void postQuietly(ServiceProcess to, String body, Set<String> accepted, AtomicInteger refusedWithRetryAfter) {
        try {
            HttpResponse<String> response = to.post(TAGMANGO, "application/json", Map.of(), body);
            if (response.statusCode() == 202) {
                accepted.add(JSON.readTree(response.body()).path("id").asText());
            } else if (response.statusCode() == 503 && refusedWithRetryAfter != null && response.headers().firstValue("Retry-After").isPresent()) {
                refusedWithRetryAfter.incrementAndGet();
            } else if (response.statusCode() != 503) {
                throw new AssertionError("unexpected answer " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException | InterruptedException goneOrCut) {
            // the instance died mid-request: no 202, no promise
        }
    }

    private Map<String, Integer> arrived(String path) {
        Map<String, Integer> counts = new HashMap<>();
        arrivals.getOrDefault(path, Map.of()).forEach((id, n) -> counts.put(id, n.get()));
        return counts;
    }

    private static final Pattern QUEUE_DEPTH = Pattern.compile("^coursewire_queue_depth\\{([^}]*)\\} ([0-9.E]+|NaN)$", Pattern.MULTILINE);

    /** coursewire_queue_depth of a queue, as an instance reports it. */
    private static double queueDepth(ServiceProcess instance, String queue) throws IOException, InterruptedException {
        Matcher m = QUEUE_DEPTH.matcher(instance.get("/q/metrics", Map.of()).body());
        while (m.find()) {
            if (m.group(1).contains("queue=\"" + queue + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    private static final Pattern DELIVERED = Pattern.compile("^coursewire_deliveries_delivered_total\\{([^}]*)\\} ([0-9.E]+)$", Pattern.MULTILINE);

    /** Deliveries an instance made to a target, from its own metrics. */
    private static double delivered(ServiceProcess instance, String target) throws IOException, InterruptedException {
        Matcher m = DELIVERED.matcher(instance.get("/q/metrics", Map.of()).body());
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains("target=\"" + target + "\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}

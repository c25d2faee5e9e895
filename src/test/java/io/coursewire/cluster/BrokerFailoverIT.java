package io.coursewire.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * A broker failover (docs/deployment.md: {@code coursewire.broker.url} a list) is survived with 503s at
 * worst: one packaged instance in profile {@code cluster}, on PostgreSQL and on a real ActiveMQ Artemis 2.40.0
 * shared-store pair (primary live, backup waiting for the shared journal's lock), given the list of both. The
 * primary is killed (SIGKILL) mid-stream; the backup takes the lock and loads the journal; the instance, which
 * opens each session on the first member of the list that answers, recovers by itself: readiness back to 200,
 * posts accepted again, every event it accepted (before, during and after) delivered, and a vendor retry of an
 * event accepted before the failover told it is a duplicate by the backup's journalled duplicate-id cache.
 */
class BrokerFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("target/it-data/broker-failover");
    private static final String TAGMANGO = "/webhooks/tagmango?token=tagmango-demo-secret";
    private static final int SENDERS = 8;
    /**
     * The instance's own Idempotent Receiver window, far smaller than the events it accepts here: the retry of
     * an early event is then no longer in the instance's memory, and only the broker's duplicate-id cache
     * (id-cache-size 100000, journalled) can tell it is a duplicate, on the backup that loaded the journal.
     */
    private static final int LOCAL_DUPLICATE_WINDOW = 20;

    private static ExternalArtemis.Pair brokers;
    private static ExternalPostgres database;
    private static WireMockServer sink;

    /** webhook-id -> deliveries that reached the sink (answered 200). */
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();

    @BeforeAll
    static void engines() throws Exception {
        FreshDataDirectory.delete(ROOT);
        Files.createDirectories(ROOT);
        long t0 = System.nanoTime();
        brokers = ExternalArtemis.createSharedStorePair(ROOT.resolve("artemis"), "coursewire", "broker-secret").start();
        System.out.printf("shared-store pair created and started (primary live on %d, backup waiting on %d) in %.1f s%n",
                brokers.primary().port(), brokers.backup().port(), seconds(System.nanoTime() - t0));
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
        if (brokers != null) {
            brokers.close();
        }
    }

    @Test
    void aBrokerFailoverIsSurvivedWith503sAtWorst() throws Exception {
        assertThat(brokers.primary().live()).as("primary live").isTrue();
        assertThat(brokers.backup().live()).as("backup waiting: no acceptor yet").isFalse();
        sink.stubFor(post("/failover/ok").willReturn(aResponse().withStatus(200)));
        sink.addMockServiceRequestListener((request, response) -> {
            if (response.getStatus() == 200) {
                arrivals.computeIfAbsent(request.getHeader("webhook-id"), id -> new AtomicInteger()).incrementAndGet();
            }
        });
        Path targets = ROOT.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  - name: ok\n    type: http\n    url: " + sink.baseUrl() + "/failover/ok\n");
        long t0 = System.nanoTime();
        try (ServiceProcess instance = new ServiceProcess(ROOT.resolve("instance"), properties(targets)).start()) {
            System.out.printf("instance ready on %s in %.1f s%n", brokers.url(), seconds(System.nanoTime() - t0));

            Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> body
            Map<String, Long> acceptedAt = new ConcurrentHashMap<>(); // id -> nanoTime its request was sent
            AtomicInteger refused = new AtomicInteger(); // 503 + Retry-After
            AtomicInteger refusedBeforeKill = new AtomicInteger(); // answered before the kill: not the failover's
            AtomicInteger cut = new AtomicInteger(); // no answer (timeout, connection reset)
            Queue<String> unexpected = new ConcurrentLinkedQueue<>();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstAcceptedAfterKill = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger acceptedAfterKill = new AtomicInteger();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger counter = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS + 1);
            for (int t = 0; t < SENDERS; t++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        String body = Fixtures.tagmangoCompletion("failover-" + counter.getAndIncrement() + "@example.com");
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> response = instance.post(TAGMANGO, "application/json", Map.of(), body);
                            if (response.statusCode() == 202) {
                                JsonNode answer = JSON.readTree(response.body());
                                if (answer.path("duplicate").asBoolean()) {
                                    unexpected.add("a first post answered duplicate: " + response.body());
                                }
                                String id = answer.path("id").asText();
                                accepted.put(id, body);
                                acceptedAt.put(id, sent);
                                if (sent > killedAt.get()) {
                                    acceptedAfterKill.incrementAndGet();
                                    firstAcceptedAfterKill.accumulateAndGet(System.nanoTime(), Math::min);
                                }
                            } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                                refused.incrementAndGet();
                                if (System.nanoTime() < killedAt.get()) { // answered before the kill
                                    refusedBeforeKill.incrementAndGet();
                                }
                            } else {
                                unexpected.add(response.statusCode() + " " + response.headers().map() + " " + response.body());
                            }
                        } catch (IOException noAnswer) {
                            cut.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            // Readiness as seen from outside, every 100 ms, to report whether and how long it was DOWN.
            AtomicInteger notReady = new AtomicInteger();
            senders.submit(() -> {
                while (sending.get()) {
                    try {
                        if (instance.get("/q/health/ready", Map.of()).statusCode() != 200) {
                            notReady.incrementAndGet();
                        }
                    } catch (IOException noAnswer) {
                        notReady.incrementAndGet();
                    }
                    TimeUnit.MILLISECONDS.sleep(100); // a sampling period, not a wait for an outcome
                }
                return null;
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 100);
            int acceptedBefore = accepted.size();
            String earlyId = acceptedAt.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            killedAt.set(System.nanoTime());
            brokers.primary().kill();
            long killed = killedAt.get();

            await("backup live").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(brokers.backup()::live);
            double backupLiveAfter = seconds(System.nanoTime() - killed);
            assertThat(brokers.primary().running()).isFalse();
            await("readiness back to 200").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> instance.get("/q/health/ready", Map.of()).statusCode() == 200);
            double readyAfter = seconds(System.nanoTime() - killed);
            await("100 more accepted after the failover").atMost(Duration.ofSeconds(60)).until(() -> acceptedAfterKill.get() >= 100);
            sending.set(false);
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            double kToFirst202 = seconds(firstAcceptedAfterKill.get() - killed);

            // The vendor retries an event accepted before the failover: the instance's own window has long
            // forgotten it, the backup's duplicate-id cache (loaded from the shared journal) has not.
            HttpResponse<String> retry = instance.post(TAGMANGO, "application/json", Map.of(), accepted.get(earlyId));
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
            JsonNode retried = JSON.readTree(retry.body());
            assertThat(retried.path("id").asText()).isEqualTo(earlyId);
            assertThat(retried.path("duplicate").asBoolean()).as("retry of an event accepted before the failover: " + retry.body()).isTrue();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(brokers.backup().log()))
                    .as("the backup refused the retry by its duplicate-id cache")
                    .contains("AMQ222059: Duplicate message detected").contains("address=coursewire.events")
                    .contains("_AMQ_DUPL_ID=[" + artemisHex(earlyId) + "]"));

            long t1 = System.nanoTime();
            await("every accepted event delivered").atMost(Duration.ofSeconds(180)).untilAsserted(
                    () -> assertThat(arrivals.keySet()).containsAll(accepted.keySet()));
            double deliveredIn = seconds(System.nanoTime() - t1);
            long deliveredTwice = arrivals.values().stream().filter(n -> n.get() > 1).count();
            int refusedDuringFailover = refused.get() - refusedBeforeKill.get();

            System.out.printf("broker failover (kill -9 of the primary of a shared-store pair): %d accepted before;"
                    + " backup live after %.1f s, readiness 200 again after %.1f s (seen not ready %d times, every 100 ms);"
                    + " %d refused with 503 + Retry-After during the failover (%d before it), %d requests without an answer;"
                    + " %.1f s from kill to the first 202 of a request sent after it; %d accepted after it, %d accepted in all;"
                    + " all delivered %.1f s after the posting stopped (%d delivered more than once);"
                    + " the retry of %s answered duplicate: true%n",
                    acceptedBefore, backupLiveAfter, readyAfter, notReady.get(), refusedDuringFailover, refusedBeforeKill.get(),
                    cut.get(), kToFirst202, acceptedAfterKill.get(), accepted.size(), deliveredIn, deliveredTwice, earlyId);
            assertThat(unexpected).as("answers other than 202 and 503 + Retry-After").isEmpty();
            assertThat(Files.readString(brokers.backup().log())).contains("AMQ221010"); // Backup Server is now active
        }
    }

    private static Map<String, String> properties(Path targets) {
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "cluster");
        p.put("coursewire.broker.url", brokers.url());
        p.put("coursewire.broker.username", brokers.primary().user());
        p.put("coursewire.broker.password", brokers.primary().password());
        p.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        p.put("quarkus.datasource.username", database.username());
        p.put("quarkus.datasource.password", database.password());
        p.put("coursewire.targets.file", targets.toAbsolutePath().toString());
        p.put("coursewire.ingest.duplicate-window", Integer.toString(LOCAL_DUPLICATE_WINDOW));
        p.put("coursewire.delivery.retry.initial-delay", "1s");
        p.put("coursewire.delivery.retry.max-delay", "1s");
        p.put("coursewire.delivery.retry.max-attempts", "1000");
        return p;
    }

    /** How Artemis logs a byte[] property: hex, upper case, in groups of two bytes ("6576 745F ..."). */
    private static String artemisHex(String text) {
        StringBuilder hex = new StringBuilder();
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0 && i % 2 == 0) {
                hex.append(' ');
            }
            hex.append(String.format("%02X", bytes[i]));
        }
        return hex.toString();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}

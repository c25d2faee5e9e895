package io.coursewire.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Targets changed while the service runs (§4), as an operator does it: by rewriting the watched file.
 * Conditions (the shorthand lists and {@code when}) decide who receives what; a valid change applies
 * within 5 s; a changed URL applies to the next retry; a removed target keeps its pending deliveries
 * and resumes them when it comes back; an invalid file changes nothing and is shown; nothing accepted
 * is lost across reloads under load. Real files, a real HTTP sink (WireMock), the real endpoints.
 */
@QuarkusTest
@TestProfile(LiveTargetsTest.Watched.class)
class LiveTargetsTest {

    static final Path ROOT = Path.of("target/live-targets-test").toAbsolutePath();
    static final Path FILE = ROOT.resolve("targets.yaml");
    static final String DC_COURSE = "c07fba9bfea94358b3fdd906b7d601a4";

    public static class Watched implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!cleaned) {
                cleaned = true;
                io.coursewire.support.FreshDataDirectory.delete(ROOT);
            }
            write(FILE, "targets:\n  - {name: archive, type: file, directory: " + ROOT.resolve("archive") + "}\n");
            // A data directory of its own: the pending counts asserted below are a queue's depth, and a
            // test class before this one may have left deliveries to a target of the same name in the shared one.
            return Map.of("coursewire.data-dir", ROOT.resolve("data").toString(),
                    "coursewire.targets.file", FILE.toString(),
                    "coursewire.targets.reload-interval", "200ms",
                    "coursewire.delivery.retry.initial-delay", "100ms",
                    "coursewire.delivery.retry.max-delay", "200ms",
                    "coursewire.delivery.retry.max-attempts", "1000");
        }
    }

    static WireMockServer sink;
    static boolean cleaned;

    @Inject
    TargetRegistry registry;
    @Inject
    CamelContext camel;
    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void startSink() {
        sink = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40));
        sink.start();
        sink.stubFor(post(urlEqualTo("/ok")).willReturn(aResponse().withStatus(200)));
        sink.stubFor(post(urlEqualTo("/ok-too")).willReturn(aResponse().withStatus(204)));
        sink.stubFor(post(urlEqualTo("/failing")).willReturn(aResponse().withStatus(503)));
    }

    @AfterAll
    static void stopSink() {
        sink.stop();
    }

    @Test
    void eachConditionAloneAndCombinedDecidesWhoReceivesWhat() {
        apply("""
                targets:
                  - {name: all, type: file, directory: %1$s/all}
                  - name: passed
                    type: file
                    directory: %1$s/passed
                    when: {simple: "${body[data][result][passed]} == true"}
                  - name: high-score
                    type: file
                    directory: %1$s/high-score
                    when: {jsonpath: "$.data[?(@.result.score >= 90)]"}
                  - name: course-and-passed
                    type: file
                    directory: %1$s/course-and-passed
                    vendors: [digitalchalk]
                    courses: [%2$s]
                    types: [course.completed]
                    when: {simple: "${body[data][result][passed]} == true"}
                  - name: other-course-passed
                    type: file
                    directory: %1$s/other-course-passed
                    courses: [another-course]
                    when: {simple: "${body[data][result][passed]} == true"}
                """.formatted(ROOT.resolve("conditions"), DC_COURSE));
        // 4 to "all", 2 to "passed", 1 to "high-score", 2 to "course-and-passed".
        NotifyBuilder delivered = new NotifyBuilder(camel).fromRoute("deliver-*").whenCompleted(9).create();

        String failed = accept(digitalChalk(58.0, false));
        String passedHigh = accept(digitalChalk(95.0, true));
        String passedLow = accept(digitalChalk(70.0, true));
        ObjectNode progress = Fixtures.json("zapnito-course-participation-updated.json");
        progress.put("user_id", 9000 + (int) (Math.random() * 100_000));
        String progressed = accept("zapnito", Fixtures.write(progress));
        assertThat(delivered.matches(30, TimeUnit.SECONDS)).isTrue();

        assertThat(received("all")).containsExactlyInAnyOrder(failed, passedHigh, passedLow, progressed);
        assertThat(received("passed")).as("simple").containsExactlyInAnyOrder(passedHigh, passedLow);
        assertThat(received("high-score")).as("jsonpath").containsExactly(passedHigh);
        assertThat(received("course-and-passed")).as("lists and when together").containsExactlyInAnyOrder(passedHigh, passedLow);
        assertThat(received("other-course-passed")).as("when holds, the course list does not").isEmpty();
    }

    @Test
    void anEventMatchingNoTargetIsAcceptedAndRecorded() {
        apply("targets:\n  - {name: enrolments, type: file, directory: " + ROOT.resolve("enrolments") + ", types: [course.enrolled]}\n");
        String id = accept(digitalChalk(80.0, true));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("deliveries.size()", equalTo(0)));
        assertThat(Files.exists(ROOT.resolve("enrolments"))).isFalse();
    }

    @Test
    void aChangedUrlAppliesToTheNextRetryAndARemovedTargetKeepsItsPendingDeliveriesUntilItComesBack() {
        String archive = "  - {name: archive, type: file, directory: " + ROOT.resolve("archive") + "}\n";
        apply("targets:\n" + archive + "  - {name: crm, type: http, url: '" + sink.baseUrl() + "/failing'}\n");
        await("meters come with the target").atMost(Duration.ofSeconds(5))
                .until(() -> meters.find("coursewire.deliveries.delivered").tag("target", "crm").counter() != null);

        String first = accept(digitalChalk(91.0, true));
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/failing", first) >= 2);
        apply("targets:\n" + archive + "  - {name: crm, type: http, url: '" + sink.baseUrl() + "/ok'}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/ok", first) == 1);

        // Failing again, then removed: its delivery stays pending, neither lost nor dead-lettered.
        apply("targets:\n" + archive + "  - {name: crm, type: http, url: '" + sink.baseUrl() + "/failing'}\n");
        String second = accept(digitalChalk(92.0, true));
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/failing", second) >= 1);
        apply("targets:\n" + archive);
        await("meters go with the target").atMost(Duration.ofSeconds(35))
                .until(() -> meters.find("coursewire.deliveries.delivered").tag("target", "crm").counter() == null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> admin().get("/api/v1/targets").then().statusCode(200)
                .body("targets.name", not(hasItem("crm")))
                .body("removed.find { it.name == 'crm' }.pending", equalTo(1)));
        int triedBeforeRemoval = requests("/failing", second);
        String whileRemoved = accept(digitalChalk(93.0, true));
        new EventFiles(ROOT.resolve("archive")).awaitEvent(whileRemoved);
        assertThat(requests("/failing", second)).as("no attempt while removed").isEqualTo(triedBeforeRemoval);
        admin().get("/api/v1/dead-letters").then().statusCode(200).body("deadLetters.target", not(hasItem("crm")));

        // Back under the same name: the pending delivery resumes; the event fanned out while it was gone does not go there.
        apply("targets:\n" + archive + "  - {name: crm, type: http, url: '" + sink.baseUrl() + "/ok-too'}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/ok-too", second) == 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> admin().get("/api/v1/targets").then()
                .body("removed.name", not(hasItem("crm"))));
        assertThat(requests("/ok-too", whileRemoved) + requests("/ok", whileRemoved) + requests("/failing", whileRemoved)).isZero();
    }

    @Test
    void anInvalidFileChangesNothingAndSaysWhy() {
        String valid = "targets:\n  - {name: archive, type: file, directory: " + ROOT.resolve("archive") + "}\n"
                + "  - {name: hook, type: http, url: '" + sink.baseUrl() + "/ok'}\n";
        apply(valid);
        Instant loaded = registry.active().loadedAt();

        write(FILE, valid + "  - {name: broken, type: http, url: '" + sink.baseUrl() + "/ok', when: {simple: '${body[data] =='}}\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.lastRefused().isPresent());
        admin().get("/api/v1/targets").then().statusCode(200)
                .body("targets.name", equalTo(List.of("archive", "hook")))
                .body("loadedAt", equalTo(loaded.toString()))
                .body("lastRefused.error", containsString("targets[2] (broken)"))
                .body("lastRefused.error", containsString("'when'"));
        String id = accept(digitalChalk(88.0, true));
        await().atMost(Duration.ofSeconds(20)).until(() -> requests("/ok", id) == 1);

        apply(valid + "  - {name: second-archive, type: file, directory: " + ROOT.resolve("second") + "}\n");
        admin().get("/api/v1/targets").then().body("lastRefused", nullValue()).body("file", equalTo(FILE.toString()));
    }

    @Test
    void nothingAcceptedIsLostAcrossTwentyReloadsUnderLoad() throws Exception {
        Path archiveDir = ROOT.resolve("load-archive");
        String base = "targets:\n  - {name: load-archive, type: file, directory: " + archiveDir + "}\n";
        apply(base + "  - {name: hook, type: http, url: '" + sink.baseUrl() + "/ok', headers: {X-Version: '0'}}\n");
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean reloading = new AtomicBoolean(true);
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (reloading.get() || accepted.size() < 200) {
                accepted.add(accept("tagmango", Fixtures.tagmangoCompletion("load-" + UUID.randomUUID() + "@example.com")));
            }
        });
        try {
            for (int i = 1; i <= 20; i++) {
                // Headers change every time, a target comes and goes, and the hook's URL alternates.
                String hook = "  - {name: hook, type: http, url: '" + sink.baseUrl() + (i % 2 == 0 ? "/ok" : "/ok-too")
                        + "', headers: {X-Version: '" + i + "'}}\n";
                String flapping = i % 2 == 0 ? "" : "  - {name: flapping, type: file, directory: " + ROOT.resolve("flapping") + "}\n";
                apply(base + hook + flapping);
            }
        } finally {
            reloading.set(false);
        }
        load.get(120, TimeUnit.SECONDS);

        EventFiles archive = new EventFiles(archiveDir);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : List.copyOf(accepted)) {
                assertThat(archive.filesOf(id)).as("archived " + id).hasSize(1);
                assertThat(requests("/ok", id) + requests("/ok-too", id)).as("posted " + id).isGreaterThanOrEqualTo(1);
            }
        });
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(200);
        admin().get("/api/v1/dead-letters").then().statusCode(200).body("deadLetters.size()", equalTo(0));
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Writes the file as an operator's tool would (a new file renamed over it), and waits until it is in force. */
    private void apply(String yaml) {
        Instant before = registry.active().loadedAt();
        write(FILE, yaml);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> registry.active().loadedAt().isAfter(before));
        assertThat(registry.lastRefused()).isEmpty();
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digitalChalk(double grade, boolean passed) {
        ObjectNode body = Fixtures.json("digitalchalk-offering-completed.json");
        ObjectNode registration = (ObjectNode) body.get("registration");
        registration.put("id", UUID.randomUUID().toString().replace("-", ""));
        registration.put("grade", grade);
        registration.put("passed", passed);
        return Fixtures.write(body);
    }

    private static String accept(String digitalChalkBody) {
        return accept("digitalchalk", digitalChalkBody);
    }

    private static String accept(String vendor, String body) {
        return Webhooks.post(vendor, body).then().statusCode(202).extract().path("id");
    }

    /** The event ids a file target of this test received. */
    private static List<String> received(String target) {
        Path directory = ROOT.resolve("conditions").resolve(target);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .map(n -> n.substring(n.indexOf("_evt_") + 1, n.length() - ".json".length())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int requests(String path, String eventId) {
        return sink.findAll(postRequestedFor(urlEqualTo(path)).withHeader("webhook-id",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(eventId))).size();
    }
}

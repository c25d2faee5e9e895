package io.coursewire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.EventLines;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The file target's ndjson and csv formats through the real endpoint (§4): events posted concurrently
 * are appended, each exactly once, as whole lines and rows, to the file of their day; the delivery
 * consumers (8 per target) append to the same file at once.
 */
@QuarkusTest
@TestProfile(FileFormatsDeliveryTest.LinesAndRows.class)
class FileFormatsDeliveryTest {

    public static class LinesAndRows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.targets.file", "src/test/resources/file-format-targets.yaml");
        }
    }

    static final Path NDJSON = Path.of("target/test-data/file-formats/ndjson");
    static final Path CSV = Path.of("target/test-data/file-formats/csv");
    static final int EVENTS = 400;
    static final int CLIENTS = 8;

    @Test
    void eventsPostedFromEightClientsAreAppendedOnceEachAsWholeLinesAndRows() throws Exception {
        // Events of now: they go to today's files (the date of a file is its events' time in UTC).
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> progressIds = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Callable<Void>> posts = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                int n = i;
                posts.add(() -> {
                    boolean progress = n % 2 == 1;
                    Response response = progress ? Webhooks.post("thinkific", thinkificProgress(run + n, now))
                            : Webhooks.post("tagmango", tagmangoCompletion("files-" + run + "-" + n + "@example.com", now));
                    assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
                    String id = response.path("id");
                    assertThat(accepted.add(id)).as("distinct events").isTrue();
                    if (progress) {
                        progressIds.add(id);
                    }
                    return null;
                });
            }
            for (Future<Void> post : clients.invokeAll(posts)) {
                post.get();
            }
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(accepted).hasSize(EVENTS);

        await().atMost(Duration.ofSeconds(60)).until(() -> EventLines.completeLines(NDJSON, ".ndjson") >= EVENTS
                && EventLines.completeLines(CSV, ".csv") >= EVENTS + 1);

        // All events are of one second: one file each, named by that second's UTC date.
        String day = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
        assertThat(NDJSON.toFile().list()).containsExactly(day + ".ndjson");
        assertThat(CSV.toFile().list()).containsExactly(day + ".csv");

        List<String> lines = EventLines.ndjsonIds(NDJSON);
        assertThat(lines).as("every accepted event once").hasSize(EVENTS).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted);

        List<List<String>> rows = EventLines.csvRows(CSV);
        assertThat(rows).extracting(r -> r.get(12)).as("every accepted event once").hasSize(EVENTS).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(accepted);
        for (List<String> row : rows) {
            boolean progress = progressIds.contains(row.get(12));
            assertThat(row.get(0)).isEqualTo(now.toString());
            assertThat(row.get(1)).isEqualTo(progress ? "course.progressed" : "course.completed");
            assertThat(row.get(2)).isEqualTo(progress ? "thinkific" : "tagmango");
            if (progress) {
                assertThat(row.subList(3, 12)).containsExactly("25", "[TEST] lorem ipsum", "95", "[TEST] [email protected]",
                        "[TEST] John Doe", "24.0", "false", "", "");
            } else {
                assertThat(row.get(3)).isEqualTo("634fc35ddaf58580e2418c40");
                assertThat(row.get(6)).startsWith("files-" + run);
                assertThat(row.get(9)).isEqualTo("true");
            }
        }
    }

    static String tagmangoCompletion(String email, Instant time) {
        ObjectNode body = Fixtures.json("tagmango-course-completed.json");
        body.put("email", email);
        body.put("lastProgressOn", time.toString());
        return Fixtures.write(body);
    }

    static String thinkificProgress(String id, Instant time) {
        ObjectNode body = Fixtures.json("thinkific-enrollment-progress.json");
        body.put("id", id);
        body.put("created_at", time.toString());
        return Fixtures.write(body);
    }
}

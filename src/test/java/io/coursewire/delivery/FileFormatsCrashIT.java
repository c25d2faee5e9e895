package io.coursewire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.EventLines;
import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Crash safety of the file target's ndjson and csv formats, with the packaged service as a separate
 * process (as {@link DeliveryCrashIT} does for HTTP): a stream of events is posted concurrently, the
 * service is killed (SIGKILL) while its 8 consumers per target append, started again on the same data
 * directory, and the stream finished. Every line and row of the files must be whole, and every event
 * that got a 202 must be in both files at least once.
 *
 * <p>Linux finishes a write(2) to a regular file before a SIGKILL takes effect, so a kill alone seldom
 * cuts a record; a full disk or a power loss can. The files are therefore also left ending in half a
 * record, as such a cut leaves them, before the restart: the next append must not be glued onto it.
 */
class FileFormatsCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 600;
    private static final String TAGMANGO = "/webhooks/tagmango?token=tagmango-demo-secret";

    private Path dataDir;
    private Path ndjson;
    private Path csv;
    private Map<String, String> properties;

    @BeforeEach
    void installation() throws IOException {
        dataDir = Path.of("target/it-data/file-formats-crash");
        FreshDataDirectory.delete(dataDir);
        Files.createDirectories(dataDir);
        ndjson = dataDir.resolve("events-ndjson").toAbsolutePath();
        csv = dataDir.resolve("events-csv").toAbsolutePath();
        Path targets = dataDir.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n"
                + "  - {name: lines, type: file, format: ndjson, directory: '" + ndjson + "'}\n"
                + "  - {name: rows, type: file, format: csv, directory: '" + csv + "'}\n");
        properties = Map.of("coursewire.targets.file", targets.toAbsolutePath().toString());
    }

    @Test
    void killedWhileAppendingLeavesOnlyWholeLinesAndEveryAcceptedEventIsWritten() throws Exception {
        Instant time = Instant.now().truncatedTo(ChronoUnit.SECONDS); // one day, one file per format
        String day = LocalDate.ofInstant(time, ZoneOffset.UTC).toString();
        Set<String> accepted = ConcurrentHashMap.newKeySet();

        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            ExecutorService senders = post(service, 0, EVENTS, time, accepted);
            // Killed mid-stream: while events are still being accepted and appended.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> EventLines.completeLines(ndjson, ".ndjson") >= 100 && EventLines.completeLines(csv, ".csv") >= 100);
            service.kill();
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        // The kill itself left only whole lines and rows (read strictly: a torn one fails here).
        System.out.printf("kill -9 mid-stream: %d accepted, %d ndjson lines and %d csv rows written%n",
                accepted.size(), EventLines.ndjsonIds(ndjson).size(), EventLines.csvIds(csv).size());

        // What a cut-off write leaves: half a line; for csv, half a row ending after a line break inside quotes.
        Files.writeString(ndjson.resolve(day + ".ndjson"), "{\"specversion\":\"1.0\",\"id\":\"evt_torn", StandardOpenOption.APPEND);
        Files.writeString(csv.resolve(day + ".csv"), time + ",course.completed,tagmango,c,\"half a\ntitle", StandardOpenOption.APPEND);

        try (ServiceProcess service = new ServiceProcess(dataDir, properties).start()) {
            ExecutorService senders = post(service, EVENTS, 2 * EVENTS, time, accepted);
            senders.shutdown();
            assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(Set.copyOf(EventLines.ndjsonIds(ndjson))).as("ndjson: every accepted event").containsAll(accepted);
                assertThat(Set.copyOf(EventLines.csvIds(csv))).as("csv: every accepted event").containsAll(accepted);
            });
        }

        // Strict reading: every line of every file parses (a torn or glued one fails), one file per format.
        List<String> lines = EventLines.ndjsonIds(ndjson);
        List<String> rows = EventLines.csvIds(csv);
        assertThat(ndjson.toFile().list()).containsExactly(day + ".ndjson");
        assertThat(csv.toFile().list()).containsExactly(day + ".csv");
        assertThat(lines).doesNotContain("evt_torn").containsAll(accepted);
        assertThat(rows).containsAll(accepted);
        String csvText = Files.readString(csv.resolve(day + ".csv"), StandardCharsets.UTF_8);
        assertThat(csvText.indexOf("time,type,vendor")).as("one header").isEqualTo(csvText.lastIndexOf("time,type,vendor")).isZero();
        System.out.printf("after the restart: %d accepted; %d ndjson lines (%d duplicates), %d csv rows (%d duplicates)%n",
                accepted.size(), lines.size(), lines.size() - new HashSet<>(lines).size(), rows.size(), rows.size() - new HashSet<>(rows).size());
    }

    /** Posts events {@code from} to {@code to} (distinct TagMango completions) from 16 threads; collects the 202s' ids. */
    private static ExecutorService post(ServiceProcess service, int from, int to, Instant time, Set<String> accepted) {
        ExecutorService senders = Executors.newFixedThreadPool(16);
        for (int i = from; i < to; i++) {
            ObjectNode body = Fixtures.json("tagmango-course-completed.json");
            body.put("email", "file-crash-" + i + "@example.com");
            body.put("name", "Learner " + i + ", \"the " + i + "th\"\nof the stream"); // quoted in csv, escaped in ndjson
            body.put("lastProgressOn", time.toString());
            String text = Fixtures.write(body);
            senders.submit(() -> {
                try {
                    var response = service.post(TAGMANGO, "application/json", Map.of(), text);
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

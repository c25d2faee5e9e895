package io.coursewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * {@code quarkus.log.console.json=true} at start: every line the packaged service logs is one JSON
 * object a log shipper can read, the service's own warnings among them, and what is masked in text
 * lines (a learner's email) is not in them either. Without the key the lines stay plain text. (The
 * key's current name is {@code quarkus.log.console.json.enabled}; the short one works, with a warning.)
 */
class JsonLogsIT {

    private static final Path ROOT = Path.of("target/it-data/json-logs");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Printed by the JVM itself when it reads config/compiler-directives.json, before any logger exists. */
    private static final String JVM_DIRECTIVES_LINE = "1 compiler directives added";
    private static final String EMAIL = "json.logs.learner@example.com";

    @Test
    void withTheKeyEachLineIsAJsonObjectWithoutPersonalData() throws Exception {
        FreshDataDirectory.delete(ROOT);
        Files.createDirectories(ROOT);
        // Nothing listens on port 9: the delivery fails at once and, after its one attempt, is dead-lettered with a WARN.
        Path targets = Files.writeString(ROOT.resolve("targets.yaml"),
                "targets:\n  - name: nowhere\n    type: http\n    url: \"http://127.0.0.1:9/hook\"\n");
        Path data = ROOT.resolve("json");
        try (ServiceProcess service = new ServiceProcess(data, Map.of("quarkus.log.console.json", "true",
                "coursewire.targets.file", targets.toAbsolutePath().toString(),
                "coursewire.delivery.retry.max-attempts", "1")).start()) {
            var accepted = service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(),
                    Fixtures.tagmangoCompletion(EMAIL));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = JSON.readTree(accepted.body()).path("id").asText();

            Path log = data.resolve("service-1.log");
            List<JsonNode> lines = Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> jsonLines(log), all -> all.stream().anyMatch(l -> l.path("message").asText().contains("dead-lettered")));

            JsonNode deadLettered = lines.stream().filter(l -> l.path("message").asText().contains("dead-lettered")).findFirst().orElseThrow();
            assertThat(deadLettered.path("level").asText()).isEqualTo("WARN");
            assertThat(deadLettered.path("loggerName").asText()).startsWith("io.coursewire.");
            assertThat(deadLettered.path("message").asText()).contains(id).contains("nowhere");
            assertThat(deadLettered.path("timestamp").asText()).isNotBlank();
            assertThat(lines).as("the start is logged too").anyMatch(l -> l.path("message").asText().contains("started in"));
            assertThat(Files.readString(log)).as("personal data in the log").doesNotContain(EMAIL);
        }

        Path plain = ROOT.resolve("plain");
        try (ServiceProcess service = new ServiceProcess(plain, Map.of("coursewire.targets.file", targets.toAbsolutePath().toString()))
                .start()) {
            String first = Files.readAllLines(plain.resolve("service-1.log")).stream().filter(l -> !l.isBlank())
                    .filter(l -> l.contains("started in")).findFirst().orElseThrow();
            assertThat(first).as("without the key, a text line").doesNotStartWith("{");
        }
    }

    /** Every non-blank line parsed; a line that is not a JSON object fails the test, naming it. */
    private static List<JsonNode> jsonLines(Path log) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank() || line.equals(JVM_DIRECTIVES_LINE)) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertThat(node.isObject()).as("a JSON object: " + line).isTrue();
            lines.add(node);
        }
        return lines;
    }
}

package io.coursewire.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * Subscriptions survive restarts (§5) of the packaged service: a graceful one, and a {@code kill -9}
 * right after the 201; and an id is never given twice, not even that of a subscription deleted before
 * the restart.
 */
class SubscriptionRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DATA = Path.of("target/it-data/subscription-restart");
    private static final String TOKEN = "it-admin-token";
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Token token=" + TOKEN);
    private static final String COMPLETED = "/api/v1/rest_hooks/course_completed/subscriptions";
    private static final String PARTICIPATION = "/api/v1/rest_hooks/course_participation_updated/subscriptions";

    @Test
    void subscriptionsSurviveRestartsWithTheirIdsAndIdsAreNeverReused() throws Exception {
        FreshDataDirectory.delete(DATA);
        Files.createDirectories(DATA);
        Path targets = DATA.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  - name: archive\n    type: file\n    directory: " + DATA.resolve("events").toAbsolutePath() + "\n");
        Map<String, String> properties = Map.of("coursewire.targets.file", targets.toAbsolutePath().toString(), "coursewire.admin.token", TOKEN);

        String plain;
        String signed;
        String deleted;
        try (ServiceProcess service = new ServiceProcess(DATA, properties).start()) {
            plain = subscribe(service, COMPLETED, "{\"url\": \"https://203.0.113.10/zap?key=k1\", \"authorization_token\": \"tok-1\"}");
            signed = subscribe(service, PARTICIPATION,
                    "{\"url\": \"https://203.0.113.11/hook\", \"course\": \"48\", \"secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}");
            deleted = subscribe(service, COMPLETED, "{\"url\": \"https://203.0.113.12/gone\"}");
            assertThat(service.delete(COMPLETED + "/" + deleted, ADMIN).statusCode()).isEqualTo(204);
            service.stop();
        }

        String afterRestart;
        try (ServiceProcess service = new ServiceProcess(DATA, properties).start()) {
            JsonNode completed = list(service, COMPLETED);
            assertThat(ids(completed)).containsExactly(plain);
            assertThat(completed.get(0).path("url").asText()).isEqualTo("https://203.0.113.10/zap?key=***");
            assertThat(completed.get(0).path("authenticated").asBoolean()).isTrue();
            assertThat(completed.get(0).path("signed").asBoolean()).isFalse();

            JsonNode participation = list(service, PARTICIPATION);
            assertThat(ids(participation)).containsExactly(signed);
            assertThat(participation.get(0).path("signed").asBoolean()).isTrue();
            assertThat(participation.get(0).path("course").asText()).isEqualTo("48");

            afterRestart = subscribe(service, COMPLETED, "{\"url\": \"https://203.0.113.13/new\"}");
            assertThat(Long.parseLong(afterRestart)).as("a new id, above every id given before, the deleted one's too")
                    .isGreaterThan(Long.parseLong(deleted));
            service.kill(); // at once after the 201: it was on disk before the answer
        }

        try (ServiceProcess service = new ServiceProcess(DATA, properties).start()) {
            assertThat(ids(list(service, COMPLETED))).containsExactly(plain, afterRestart);
            assertThat(ids(list(service, PARTICIPATION))).containsExactly(signed);
        }
    }

    private static String subscribe(ServiceProcess service, String path, String body) throws Exception {
        HttpResponse<String> response = service.post(path, "application/json", ADMIN, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("id").asText();
    }

    private static JsonNode list(ServiceProcess service, String path) throws Exception {
        HttpResponse<String> response = service.get(path, ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("tok-1", "whsec_", "k1");
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode listed) {
        List<String> ids = new ArrayList<>();
        listed.forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }
}

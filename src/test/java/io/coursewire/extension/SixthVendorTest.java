package io.coursewire.extension;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalSchema;
import io.coursewire.support.EventFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Adding a vendor is one translator and one YAML route: with only those two (test) files, the new
 * endpoint authenticates with its own secret key, maps, refuses, and delivers like the five others.
 */
@QuarkusTest
@TestProfile(SixthVendorTest.WithAcmeRoute.class)
class SixthVendorTest {

    public static class WithAcmeRoute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/extra-routes/*.yaml",
                    "coursewire.sources.acmelms.secret", "acme-secret");
        }
    }

    private static final String BODY = "{\"course\": 7, \"learner\": \"ada@example.com\", \"finished_at\": \"2026-01-02T03:04:05Z\"}";

    @Test
    void theNewVendorWorksEndToEnd() {
        String id = given().contentType("application/json").header("X-Webhook-Token", "acme-secret").body(BODY)
                .post("/webhooks/acmelms").then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        JsonNode event = EventFiles.archive().awaitEvent(id);
        CanonicalSchema.assertValid(event);
        assertThat(event.path("source").asText()).isEqualTo("/sources/acmelms");
        assertThat(event.path("data").path("course").path("id").asText()).isEqualTo("7");

        given().contentType("application/json").header("X-Webhook-Token", "acmelms-demo-secret").body(BODY)
                .post("/webhooks/acmelms").then().statusCode(401);
        given().contentType("application/json").header("X-Webhook-Token", "acme-secret").body("{\"course\": 7}")
                .post("/webhooks/acmelms").then().statusCode(400).body("field", equalTo("learner"));
        given().get("/webhooks/acmelms").then().statusCode(405);
    }
}

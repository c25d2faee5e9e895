package io.coursewire.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.coursewire.targets.Target;
import io.coursewire.targets.TargetRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code POST /api/v1/targets/validate} (§4): a candidate targets file is checked as the service would
 * read it, answered with its targets (secrets masked) or a 422 naming the entry and the key, and never
 * applied.
 */
@QuarkusTest
class TargetValidationTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String VALID = """
            targets:
              - name: crm
                type: http
                url: https://crm.example.com/hooks/completions?key=s3cr3t-query&v=2
                headers: {Authorization: "Bearer abc-header-secret"}
                secret: %s
                timeout: 10s
                types: [course.completed]
                vendors: [thinkific, zapnito]
              - name: archive-2
                type: file
                directory: data/other-events
            """.formatted(SECRET);

    @Inject
    TargetRegistry active;

    @Test
    void aValidFileIsAnsweredWithItsTargetsWithSecretsMaskedAndIsNotApplied() {
        var before = active.all().stream().map(Target::name).toList();
        String body = AdminApiTest.admin().contentType("application/yaml").body(yaml(VALID))
                .post("/api/v1/targets/validate").then().statusCode(200)
                .body("valid", equalTo(true))
                .body("targets.name", org.hamcrest.Matchers.contains("crm", "archive-2"))
                .body("targets[0].type", equalTo("http"))
                .body("targets[0].url", equalTo("https://crm.example.com/hooks/completions?key=***&v=***"))
                .body("targets[0].headers.Authorization", equalTo("***"))
                .body("targets[0].secret", equalTo("***"))
                .body("targets[0].types", org.hamcrest.Matchers.contains("course.completed"))
                .body("targets[1].directory", equalTo("data/other-events"))
                .body("targets[1].format", equalTo("json"))
                .extract().asString();
        assertThat(body).doesNotContain(SECRET.substring(6)).doesNotContain("abc-header-secret").doesNotContain("s3cr3t-query");
        assertThat(active.all().stream().map(Target::name).toList()).as("the active targets").isEqualTo(before);
    }

    @Test
    void anInvalidFileIs422NamingTheEntryAndTheKey() {
        AdminApiTest.admin().contentType("application/yaml")
                .body(yaml("targets:\n  - {name: archive-2, type: file, directory: x}\n  - {name: crm, type: http, url: 'ftp://crm.example.com'}\n"))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("detail", containsString("targets[1] (crm)"))
                .body("detail", containsString("'url'"));
        AdminApiTest.admin().contentType("application/yaml").body(yaml("targets:\n  - {name: crm, type: sms}\n"))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .body("detail", containsString("unknown type 'sms'"));
        AdminApiTest.admin().contentType("application/yaml").body(yaml("targets: [ {name: crm, type: http, url: "))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .body("detail", containsString("not valid YAML"));
    }

    @Test
    void theCloudEventsModeIsShownJsonByDefaultAndAnUnknownOneIs422NamingTheKey() {
        AdminApiTest.admin().contentType("application/yaml")
                .body(yaml("targets:\n  - {name: plain, type: http, url: 'https://crm.example.com/a'}\n"
                        + "  - {name: ce, type: http, url: 'https://crm.example.com/b', cloudevents: binary}\n"))
                .post("/api/v1/targets/validate").then().statusCode(200)
                .body("targets[0].cloudevents", equalTo("json"))
                .body("targets[1].cloudevents", equalTo("binary"));
        AdminApiTest.admin().contentType("application/yaml")
                .body(yaml("targets:\n  - {name: crm, type: http, url: 'https://crm.example.com/a', cloudevents: cbor}\n"))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("targets[0] (crm)"))
                .body("detail", containsString("'cloudevents' must be json, structured or binary"));
        // In binary mode ce-* headers are the event's attributes: a static one is refused.
        AdminApiTest.admin().contentType("application/yaml")
                .body(yaml("targets:\n  - {name: crm, type: http, url: 'https://crm.example.com/a', cloudevents: binary,"
                        + " headers: {ce-subject: x}}\n"))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .body("detail", containsString("header 'ce-subject'"));
    }

    @Test
    void itNeedsTheAdminTokenAndYaml() {
        given().contentType("application/yaml").body(yaml(VALID)).post("/api/v1/targets/validate").then().statusCode(401)
                .contentType("application/problem+json");
        AdminApiTest.admin().contentType("application/json").body("{}").post("/api/v1/targets/validate").then().statusCode(415)
                .contentType("application/problem+json");
    }

    /** Bytes: REST Assured encodes strings only for the content types it knows, and YAML is not one. */
    private static byte[] yaml(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theOpenApiDocumentListsIt() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/targets/validate"));
    }
}

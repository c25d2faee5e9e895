package io.coursewire.inbound;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * What the front door refuses, and how: each refusal is a 4xx with an RFC 9457 problem+json body
 * that names the problem — never a 500, never a stack trace, never a secret echoed back.
 */
@QuarkusTest
class InboundRefusalsTest {

    private static final String PROBLEM = "application/problem+json";

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType(PROBLEM)
                .body("status", equalTo(status))
                .body("type", containsString("coursewire"))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body(org.hamcrest.Matchers.not(containsString("Exception")))
                .body(org.hamcrest.Matchers.not(containsString("\tat ")));
    }

    private static String sample(String vendor) {
        return Fixtures.text(switch (vendor) {
            case "zapnito" -> "zapnito-course-participation-updated.json";
            case "toolzz" -> "toolzz-course-completed.json";
            case "digitalchalk" -> "digitalchalk-offering-completed.json";
            case "tagmango" -> "tagmango-course-completed.json";
            default -> "thinkific-enrollment-completed.json";
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "zapnito", "toolzz", "digitalchalk", "tagmango", "thinkific" })
    void missingCredentialsAre401(String vendor) {
        problem(given().contentType("application/json").body(sample(vendor)).post("/webhooks/" + vendor).then(), 401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.notNullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = { "zapnito", "toolzz", "digitalchalk", "tagmango", "thinkific" })
    void wrongCredentialsAre401AndTheBodyIsNotParsed(String vendor) {
        String notJson = "{this is not json";
        var request = given().contentType("application/json").body(notJson);
        request = switch (vendor) {
            case "zapnito" -> request.header("Authorization", "Token token=wrong-" + Webhooks.secretOf(vendor));
            case "thinkific" -> request.header("X-Thinkific-Hmac-Sha256", Webhooks.hmacHex("wrong-key", notJson));
            default -> request.header("X-Webhook-Token", "wrong");
        };
        // 401, not 400: authenticity is decided before the body is read as JSON.
        problem(request.post("/webhooks/" + vendor).then(), 401)
                .body("detail", org.hamcrest.Matchers.not(containsString(Webhooks.secretOf(vendor))));
    }

    @Test
    void thinkificSignatureCoversTheExactBytes() {
        String body = Fixtures.text("thinkific-enrollment-completed.json");
        String signature = Webhooks.hmacHex(Webhooks.THINKIFIC_TEST_SECRET, body);
        problem(given().contentType("application/json").header("X-Thinkific-Hmac-Sha256", signature)
                .body(body.replace("\"resource\"", " \"resource\"")).post("/webhooks/thinkific").then(), 401);
        // The demo secret is not accepted once a secret is configured.
        problem(given().contentType("application/json")
                .header("X-Thinkific-Hmac-Sha256", Webhooks.hmacHex("thinkific-demo-secret", body))
                .body(body).post("/webhooks/thinkific").then(), 401);
    }

    @Test
    void sharedTokenAlsoWorksAsHeader() {
        ObjectNode body = Fixtures.json("tagmango-course-completed.json");
        body.put("email", "header-token@example.com");
        given().contentType("application/json").header("X-Webhook-Token", "tagmango-demo-secret")
                .body(Fixtures.write(body)).post("/webhooks/tagmango")
                .then().statusCode(202).body("duplicate", equalTo(false));
    }

    @Test
    void responsesNeverEchoRequestHeaders() {
        ObjectNode own = Fixtures.json("zapnito-course-participation-updated.json");
        own.put("user_id", 4242); // an event of its own: other tests post the sample itself
        var ok = Webhooks.authentic("zapnito", Fixtures.write(own)).header("X-Webhook-Token", "leak-me").post("/webhooks/zapnito");
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(ok.headers().hasHeaderWithName("Authorization")).isFalse();
        assertThat(ok.headers().hasHeaderWithName("X-Webhook-Token")).isFalse();
        var refused = given().contentType("application/json").header("X-Webhook-Token", "wrong-token-value")
                .body("{}").post("/webhooks/tagmango");
        assertThat(refused.headers().hasHeaderWithName("X-Webhook-Token")).isFalse();
        assertThat(refused.body().asString()).doesNotContain("wrong-token-value");
    }

    @Test
    void unknownVendorIs404() {
        problem(given().contentType("application/json").body("{}").post("/webhooks/moodle").then(), 404)
                .body("instance", equalTo("/webhooks/moodle"));
    }

    @Test
    void wrongMethodIs405WithAllow() {
        problem(given().get("/webhooks/tagmango").then(), 405).header("Allow", "POST");
        problem(given().contentType("application/json").body("{}").put("/webhooks/thinkific").then(), 405);
        problem(given().delete("/webhooks/digitalchalk").then(), 405).header("Allow", "POST, PUT");
    }

    @Test
    void nonJsonContentTypeIs415() {
        problem(given().contentType("text/plain").queryParam("token", "tagmango-demo-secret").body("hello")
                .post("/webhooks/tagmango").then(), 415);
        problem(given().contentType("application/x-www-form-urlencoded").queryParam("token", "toolzz-demo-secret")
                .formParam("a", "b").post("/webhooks/toolzz").then(), 415);
    }

    @Test
    void bodyOverTheLimitIs413() {
        byte[] twoMiB = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(twoMiB, (byte) ' ');
        twoMiB[0] = '{';
        twoMiB[twoMiB.length - 1] = '}';
        problem(given().contentType("application/json").queryParam("token", "tagmango-demo-secret")
                .body(twoMiB).post("/webhooks/tagmango").then(), 413);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        // Just over the 1 MiB limit: the server answers and closes once it has read 1 MiB, and the rest must
        // already be in the sockets' buffers, or the client's write fails (broken pipe) before it reads the answer.
        byte[] overLimit = new byte[1024 * 1024 + 16 * 1024];
        java.util.Arrays.fill(overLimit, (byte) ' ');
        overLimit[0] = '{';
        overLimit[overLimit.length - 1] = '}';
        // No Content-Length: the limit is enforced while the body streams in.
        problem(given().contentType("application/json").queryParam("token", "tagmango-demo-secret")
                .body(new java.io.ByteArrayInputStream(overLimit)).post("/webhooks/tagmango").then(), 413);
    }

    @Test
    void anEventTooLargeForTheStoreIs413() {
        // Under the 1 MiB body limit, but the name is kept whole and in its parts: over 1 MiB translated.
        ObjectNode body = Fixtures.json("digitalchalk-offering-completed.json");
        ((ObjectNode) body.path("user")).put("firstName", "F".repeat(250_000)).put("lastName", "L".repeat(250_000));
        ((ObjectNode) body.path("offering")).put("title", "T".repeat(250_000));
        problem(Webhooks.post("digitalchalk", Fixtures.write(body)).then(), 413).body("detail", containsString("canonical event"));
    }

    @Test
    void multipartIsRefusedBeforeAnyFileIsWritten() throws java.io.IOException {
        java.nio.file.Path uploads = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "uploads");
        long before = filesIn(uploads);
        problem(given().multiPart("file", "event.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .queryParam("token", "tagmango-demo-secret").post("/webhooks/tagmango").then(), 415);
        assertThat(filesIn(uploads)).as("no upload written to " + uploads).isEqualTo(before);
    }

    private static long filesIn(java.nio.file.Path directory) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(directory)) {
            return files.count();
        }
    }

    @Test
    void notJsonIs400() {
        problem(Webhooks.post("tagmango", "{\"email\": ").then(), 400)
                .body("detail", containsString("not valid JSON"))
                .body("field", nullValue());
        problem(Webhooks.post("tagmango", "[1, 2, 3]").then(), 400).body("detail", containsString("JSON object"));
        problem(Webhooks.post("tagmango", "").then(), 400);
        problem(Webhooks.post("tagmango", "{} {}").then(), 400);
        problem(Webhooks.post("tagmango", "{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}").then(), 400);
    }

    @Test
    void aBodyThatIsNotUtf8Is400() {
        byte[] cesu8 = "{\"email\":\"a\u00ed\u00a0\u0080@example.com\"}".getBytes(StandardCharsets.ISO_8859_1); // ED A0 80: a surrogate
        problem(given().contentType("application/json").queryParam("token", "tagmango-demo-secret").body(cesu8)
                .post("/webhooks/tagmango").then(), 400).body("detail", containsString("not valid UTF-8"));
        byte[] utf16 = Fixtures.text("tagmango-course-completed.json").getBytes(StandardCharsets.UTF_16BE);
        problem(given().contentType("application/json").queryParam("token", "tagmango-demo-secret").body(utf16)
                .post("/webhooks/tagmango").then(), 400).body("detail", containsString("not valid UTF-8"));
    }

    @Test
    void deepNestingIs400NotAStackOverflow() {
        String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        problem(Webhooks.post("tagmango", deep).then(), 400).body("detail", containsString("nesting"));
    }

    @Test
    void missingRequiredFieldIs400NamingIt() {
        ObjectNode body = Fixtures.json("tagmango-course-completed.json");
        body.remove("courseId");
        problem(Webhooks.post("tagmango", Fixtures.write(body)).then(), 400)
                .body("field", equalTo("courseId"))
                .body("detail", containsString("courseId"));

        ObjectNode toolzz = Fixtures.json("toolzz-course-completed.json");
        ((ObjectNode) toolzz.path("data").path("course")).remove("id");
        problem(Webhooks.post("toolzz", Fixtures.write(toolzz)).then(), 400).body("field", equalTo("data.course.id"));

        ObjectNode thinkific = Fixtures.json("thinkific-enrollment-completed.json");
        thinkific.remove("action");
        problem(Webhooks.post("thinkific", Fixtures.write(thinkific)).then(), 400).body("field", equalTo("action"));
    }

    @Test
    void wrongTypeOrFormatIs400NamingTheField() {
        ObjectNode date = Fixtures.json("digitalchalk-offering-completed.json");
        date.put("date", "yesterday");
        problem(Webhooks.post("digitalchalk", Fixtures.write(date)).then(), 400).body("field", equalTo("date"));

        ObjectNode percent = Fixtures.json("thinkific-enrollment-progress.json");
        ((ObjectNode) percent.path("payload")).put("percentage_completed", "a lot");
        problem(Webhooks.post("thinkific", Fixtures.write(percent)).then(), 400)
                .body("field", equalTo("payload.percentage_completed"));

        ObjectNode course = Fixtures.json("zapnito-course-participation-updated.json");
        course.putObject("course_id").put("nested", true);
        problem(Webhooks.post("zapnito", Fixtures.write(course)).then(), 400).body("field", equalTo("course_id"));

        ObjectNode zone = Fixtures.json("toolzz-course-completed.json");
        ((ObjectNode) zone.path("event")).put("send_at", "03/07/2023 12:53");
        problem(Webhooks.post("toolzz", Fixtures.write(zone)).then(), 400).body("field", equalTo("event.send_at"));
    }

    @Test
    void problemBodiesAreUtf8Json() {
        byte[] body = Webhooks.post("tagmango", "{\"courseId\": \"x\"}").then().statusCode(400)
                .extract().asByteArray();
        assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("{").contains("\"status\":400");
    }
}

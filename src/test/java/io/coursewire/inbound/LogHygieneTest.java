package io.coursewire.inbound;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.CapturedLog;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Nothing Coursewire (or Camel, Artemis, Vert.x under it) logs while accepting, refusing and routing
 * events carries a secret, an email address, a phone number or a tax id in clear — debug level included.
 */
@QuarkusTest
class LogHygieneTest {

    private final CapturedLog log = new CapturedLog(null);
    private final List<String> logged = log.lines();

    @BeforeEach
    void listen() {
        log.listen();
    }

    @AfterEach
    void stopListening() {
        log.stop();
    }

    @Test
    void noPersonalDataOrSecretsInLogs() {
        ObjectNode tagmango = Fixtures.json("tagmango-course-completed.json");
        tagmango.put("email", "hygiene.tagmango@example.com");
        tagmango.put("phone", 5511987654321L);
        ObjectNode toolzz = Fixtures.json("toolzz-course-completed.json");
        ((ObjectNode) toolzz.path("data").path("user")).put("email", "hygiene.toolzz@example.com").put("cpf", "987.654.321-00");
        ((ObjectNode) toolzz.path("data").path("enrollment")).put("id", 4711);

        String a = Webhooks.post("tagmango", Fixtures.write(tagmango)).then().statusCode(202).extract().path("id");
        String b = Webhooks.post("toolzz", Fixtures.write(toolzz)).then().statusCode(202).extract().path("id");
        Webhooks.post("tagmango", Fixtures.write(tagmango)).then().statusCode(202); // duplicate
        EventFiles.archive().awaitEvent(a);
        EventFiles.archive().awaitEvent(b);

        given().contentType("application/json").header("X-Webhook-Token", "a-wrong-token-value")
                .body(Fixtures.write(tagmango)).post("/webhooks/tagmango").then().statusCode(401);
        ObjectNode badType = tagmango.deepCopy();
        badType.putArray("courseId").add("hygiene.array@example.com");
        Webhooks.post("tagmango", Fixtures.write(badType)).then().statusCode(400);
        Webhooks.post("tagmango", "{\"email\": \"hygiene.broken@example.com\", ").then().statusCode(400);

        assertThat(logged).as("something was logged at all").isNotEmpty();
        assertThat(String.join("\n", logged)).doesNotContain(
                "hygiene.tagmango@example.com", "hygiene.toolzz@example.com", "hygiene.array@example.com",
                "hygiene.broken@example.com", "5511987654321", "987.654.321-00",
                "tagmango-demo-secret", "toolzz-demo-secret", "a-wrong-token-value", Webhooks.THINKIFIC_TEST_SECRET);
    }
}

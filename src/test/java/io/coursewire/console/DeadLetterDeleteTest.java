package io.coursewire.console;

import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code DELETE /api/v1/dead-letters/{id}} (PRODUCT.md §10) and the console's Delete button, which calls
 * it: dead letters of console-targets.yaml's "nowhere" target (ConsolePagesTest's profile, one application).
 */
@QuarkusTest
@TestProfile(ConsolePagesTest.DeadTargets.class)
class DeadLetterDeleteTest {

    @Test
    void aDeadLetterIsDeletedThroughTheApi() {
        String event = ConsolePagesTest.deadLetterOf("course-nowhere", "nowhere");
        String dead = ConsolePagesTest.deadLetterId(event, "nowhere");

        given().delete("/api/v1/dead-letters/" + dead).then().statusCode(401).contentType("application/problem+json");
        admin().get("/api/v1/dead-letters?target=nowhere").then().body("deadLetters.id", hasItem(dead));

        admin().delete("/api/v1/dead-letters/" + dead).then().statusCode(204);
        admin().get("/api/v1/dead-letters?target=nowhere&include=replayed&limit=1000").then().body("deadLetters.id", not(hasItem(dead)));
        admin().post("/api/v1/dead-letters/" + dead + "/replay").then().statusCode(404);

        admin().delete("/api/v1/dead-letters/" + dead).then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("detail", equalTo("no dead letter " + dead));
        admin().delete("/api/v1/dead-letters/not-a-number").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aReplayedDeadLetterCanBeDeletedToo() {
        String event = ConsolePagesTest.deadLetterOf("course-nowhere", "nowhere");
        String dead = ConsolePagesTest.deadLetterId(event, "nowhere");
        admin().post("/api/v1/dead-letters/" + dead + "/replay").then().statusCode(202);
        admin().delete("/api/v1/dead-letters/" + dead).then().statusCode(204);
        admin().get("/api/v1/dead-letters?target=nowhere&include=replayed&limit=1000").then().body("deadLetters.id", not(hasItem(dead)));
    }

    @Test
    void theConsolesDeleteButtonNeedsItsCsrfTokenAndDeletes() {
        String event = ConsolePagesTest.deadLetterOf("course-nowhere", "nowhere");
        String dead = ConsolePagesTest.deadLetterId(event, "nowhere");
        String session = ConsoleSecurityTest.signIn();
        String html = given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=nowhere").then().statusCode(200)
                .extract().asString();
        assertThat(html).contains("action=\"/console/dead-letters/" + dead + "/delete\"");
        String csrf = ConsoleSecurityTest.csrfOf(session, "/console/dead-letters?target=nowhere");

        // Without the CSRF token: refused, nothing deleted.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("back-target", "nowhere")
                .post("/console/dead-letters/" + dead + "/delete").then().statusCode(403).body(containsString("CSRF"));
        admin().get("/api/v1/dead-letters?target=nowhere").then().body("deadLetters.id", hasItem(dead));

        // With it: back to the listing it came from, with a notice; the API has it no more.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("back-target", "nowhere")
                .post("/console/dead-letters/" + dead + "/delete").then().statusCode(303)
                .header("Location", endsWith("/console/dead-letters?target=nowhere"));
        admin().get("/api/v1/dead-letters?target=nowhere&include=replayed&limit=1000").then().body("deadLetters.id", not(hasItem(dead)));
        String after = given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=nowhere").then().statusCode(200)
                .extract().asString();
        assertThat(after).contains("Dead letter " + dead + " deleted.").doesNotContain("id=\"dead-letter-" + dead + "\"");

        // Gone already: a notice, not an error page.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .post("/console/dead-letters/" + dead + "/delete").then().statusCode(303);
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters").then().statusCode(200)
                .body(containsString("Dead letter " + dead + " not deleted: no dead letter " + dead));
    }
}

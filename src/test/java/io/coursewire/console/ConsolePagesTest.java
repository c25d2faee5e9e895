package io.coursewire.console;

import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The dead letters page and its replays (one, and every one of a target after a confirmation with the
 * count), and the targets page with its check of a candidate file. Dead letters come from the targets of
 * console-targets.yaml that nothing listens on, after the compressed test retries.
 */
@QuarkusTest
@TestProfile(ConsolePagesTest.DeadTargets.class)
class ConsolePagesTest {

    static final String BROKEN = "targets:\n  - name: x\n    type: carrier-pigeon\n";

    /** console-targets.yaml; a circuit that never opens, so every delivery is attempted until it is a dead letter. */
    public static class DeadTargets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.delivery.circuit.failure-threshold", "100000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Sinks.class));
        }
    }

    /** console-targets.yaml with its "recovering" target on a WireMock sink the tests make fail, then answer. */
    public static class Sinks extends io.coursewire.support.HttpSinks {
        @Override
        protected String template() {
            return "console-targets.yaml";
        }
    }

    @Test
    void aDeadLetterIsListedAndReplayedThroughTheForm() {
        String id = deadLetterOf("course-nowhere", "nowhere");
        String session = ConsoleSecurityTest.signIn();
        String html = given().cookie(ConsoleRouter.COOKIE, session).queryParam("target", "nowhere").get("/console/dead-letters")
                .then().statusCode(200).extract().asString();
        String dead = deadLetterId(id, "nowhere");
        assertThat(html).contains("<a href=\"/console/events/" + id + "\">" + id + "</a>")
                .contains("action=\"/console/dead-letters/" + dead + "/replay\"").contains("Connection refused");
        String csrf = ConsoleSecurityTest.csrfOf(session, "/console/dead-letters");

        // Without the CSRF token: refused, nothing replayed.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).post("/console/dead-letters/" + dead + "/replay")
                .then().statusCode(403).body(containsString("CSRF"));
        admin().get("/api/v1/dead-letters?target=nowhere").then().body("deadLetters.id", org.hamcrest.Matchers.hasItem(dead));

        // With it: back to the list, with a notice; the API shows it replayed.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("back-target", "nowhere")
                .post("/console/dead-letters/" + dead + "/replay").then().statusCode(303)
                .header("Location", endsWith("/console/dead-letters?target=nowhere"));
        admin().get("/api/v1/dead-letters?target=nowhere").then().body("deadLetters.id", not(org.hamcrest.Matchers.hasItem(dead)));
        admin().get("/api/v1/dead-letters?target=nowhere&include=replayed").then()
                .body("deadLetters.find { it.id == '" + dead + "' }.replayedAt", notNullValue());
        String after = given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=nowhere").then().statusCode(200)
                .extract().asString();
        assertThat(after).contains("Dead letter " + dead + " of event " + id + " replayed to nowhere")
                .doesNotContain("action=\"/console/dead-letters/" + dead + "/replay\"");
        // Replayed ones show with include=replayed only.
        assertThat(given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=nowhere&include=replayed").asString())
                .contains("id=\"dead-letter-" + dead + "\"");

        // An unknown dead letter: a notice on the page, not an error page.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .post("/console/dead-letters/999999999/replay").then().statusCode(303);
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters").then().statusCode(200)
                .body(containsString("Dead letter 999999999 not replayed: no dead letter 999999999"));
    }

    @Test
    void everyDeadLetterOfATargetIsReplayedAfterAConfirmationWithTheCount() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(accept("course-bulk"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> deadLetterId(id, "bulk") != null));
        int before = admin().get("/api/v1/dead-letters?target=bulk&limit=1000").path("deadLetters.size()");
        assertThat(before).isGreaterThanOrEqualTo(3);
        String session = ConsoleSecurityTest.signIn();
        String csrf = ConsoleSecurityTest.csrfOf(session, "/console/dead-letters?target=bulk");

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("target", "bulk")
                .post("/console/dead-letters/replay-all").then().statusCode(403);
        String confirm = given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .formParam("target", "bulk").post("/console/dead-letters/replay-all").then().statusCode(200).extract().asString();
        assertThat(confirm).contains("Replay " + before + " dead letters of target bulk?")
                .contains("name=\"count\" value=\"" + before + "\"").contains("action=\"/console/dead-letters/replay-all/confirm\"");
        assertThat(admin().get("/api/v1/dead-letters?target=bulk").<Integer>path("deadLetters.size()")).as("nothing replayed yet")
                .isEqualTo(before);

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("target", "bulk")
                .formParam("count", before).post("/console/dead-letters/replay-all/confirm").then().statusCode(303)
                .header("Location", endsWith("/console/dead-letters?target=bulk"));
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=bulk").then().statusCode(200)
                .body(containsString(before + " dead letters of bulk replayed"));
        for (String id : ids) {
            admin().get("/api/v1/dead-letters?target=bulk&include=replayed").then()
                    .body("deadLetters.find { it.eventId == '" + id + "' && it.replayedAt != null }", notNullValue());
        }

        // A target without dead letters: no confirmation, a notice.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("target", "archive")
                .post("/console/dead-letters/replay-all").then().statusCode(303);
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters").then()
                .body(containsString("Target archive has no dead letters to replay."));
    }

    @Test
    void theDeadLettersOfATargetArePagedAHundredAtATime() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            ids.add(accept("course-paged"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin().get("/api/v1/dead-letters?target=paged&limit=1000")
                .<Integer>path("deadLetters.size()") == 101);
        List<String> newestFirst = admin().get("/api/v1/dead-letters?target=paged&limit=1000").path("deadLetters.id");
        String session = ConsoleSecurityTest.signIn();

        String first = given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?target=paged").then().statusCode(200)
                .extract().asString();
        assertThat(first.split("<tr id=\"dead-letter-", -1)).hasSize(101); // 100 rows
        assertThat(first).contains("id=\"dead-letter-" + newestFirst.get(0) + "\"").doesNotContain("id=\"dead-letter-" + newestFirst.get(100) + "\"")
                .contains("<a href=\"/console/dead-letters?target=paged\" aria-current=\"page\">paged</a>")
                .contains("<a href=\"/console/dead-letters?target=nowhere\">nowhere</a>");
        String older = "/console/dead-letters?target=paged&amp;before=" + newestFirst.get(99);
        assertThat(first).contains("<a href=\"" + older + "\" rel=\"next\"");

        String second = given().cookie(ConsoleRouter.COOKIE, session).get(older.replace("&amp;", "&")).then().statusCode(200)
                .extract().asString();
        assertThat(second.split("<tr id=\"dead-letter-", -1)).hasSize(2);
        assertThat(second).contains("id=\"dead-letter-" + newestFirst.get(100) + "\"").doesNotContain("rel=\"next\"");

        // The API's own cursor, and a bad one named.
        admin().get("/api/v1/dead-letters?target=paged&limit=1000&before=" + newestFirst.get(99)).then().statusCode(200)
                .body("deadLetters.id", org.hamcrest.Matchers.contains(newestFirst.get(100)));
        admin().get("/api/v1/dead-letters?before=last-week").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("before: must be a dead letter id"));
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/dead-letters?before=last-week").then().statusCode(400)
                .body(containsString("before: must be a dead letter id"));
    }

    @Test
    void theTargetsPageShowsWhatIsInForceAndChecksACandidateFile() {
        String session = ConsoleSecurityTest.signIn();
        String html = given().cookie(ConsoleRouter.COOKIE, session).get("/console/targets").then().statusCode(200).extract().asString();
        assertThat(html).contains("console-targets.yaml").contains("id=\"target-archive\"").contains("id=\"target-nowhere\"")
                .contains("id=\"target-bulk\"").contains("class=\"circuit circuit-closed\">closed</td>")
                .contains("http://127.0.0.1:9/hook?key=***").doesNotContain("s3cret").doesNotContain("very-secret");
        assertThat(html).containsPattern("id=\"target-archive\"><td>archive</td><td>file</td><td class=\"num\">\\d+</td>");
        String csrf = ConsoleSecurityTest.csrfOf(session, "/console/targets");

        String broken = given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .formParam("yaml", BROKEN).post("/console/targets/validate")
                .then().statusCode(422).extract().asString();
        String apiError = admin().contentType("application/yaml").body(BROKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/targets/validate").then().statusCode(422).extract().path("detail");
        assertThat(broken).contains("Invalid: " + escaped(apiError)).contains(">targets:\n  - name: x\n    type: carrier-pigeon\n</textarea>");

        String valid = given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .formParam("yaml", "targets:\n  - name: crm\n    type: http\n    url: https://crm.example/hook\n    headers: {Authorization: \"Bearer abc-header-secret\"}\n")
                .post("/console/targets/validate").then().statusCode(200).extract().asString();
        assertThat(valid).contains("Valid: it declares 1 target").contains("<code>crm</code> (http)").doesNotContain("abc-header-secret</code>")
                .contains("{&quot;Authorization&quot;:&quot;***&quot;}");

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("yaml", "targets: []")
                .post("/console/targets/validate").then().statusCode(403);
    }

    static String deadLetterOf(String course, String target) {
        String id = accept(course);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterId(id, target) != null);
        return id;
    }

    static String accept(String course) {
        ObjectNode payload = Fixtures.json("tagmango-course-completed.json");
        payload.put("courseId", course);
        payload.put("email", "learner-" + UUID.randomUUID() + "@example.com");
        return Webhooks.post("tagmango", Fixtures.write(payload)).then().statusCode(202).extract().path("id");
    }

    static String deadLetterId(String eventId, String target) {
        return admin().get("/api/v1/dead-letters?target=" + target + "&include=replayed&limit=1000")
                .path("deadLetters.find { it.eventId == '" + eventId + "' }.id");
    }

    private static String escaped(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}

package io.coursewire.console;

import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.coursewire.support.Admin;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The console's door: sessions only from the admin token, CSRF token and Origin on every POST. */
@QuarkusTest
class ConsoleSecurityTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void withoutASessionEveryPageRedirectsToSignIn() {
        for (String path : List.of("/console", "/console/events", "/console/events/evt_x", "/console/dead-letters", "/console/targets",
                "/console/subscriptions", "/console/live", "/console/live/charts", "/console/nothing-here")) {
            given().redirects().follow(false).get(path).then().statusCode(303).header("Location", endsWith(path.equals("/console") ? "/console/events" : "/console/sign-in"));
        }
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, "forged").get("/console/events").then().statusCode(303)
                .header("Location", endsWith("/console/sign-in"));
        given().redirects().follow(false).formParam("csrf", "x").post("/console/events/evt_x/replay").then().statusCode(303);
        given().redirects().follow(false).formParam("csrf", "x").post("/console/dead-letters/1/replay").then().statusCode(303);
        given().redirects().follow(false).formParam("csrf", "x").formParam("target", "archive").post("/console/dead-letters/replay-all/confirm")
                .then().statusCode(303);
        given().redirects().follow(false).formParam("csrf", "x").formParam("url", "https://203.0.113.7/no-session")
                .post("/console/subscriptions").then().statusCode(303);
        given().redirects().follow(false).formParam("csrf", "x").post("/console/subscriptions/course_completed/1/delete").then().statusCode(303);
        given().get("/console/sign-in").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("name=\"token\""));
    }

    /** Scripts only from the console's own files, fetches only to it; nothing inline, no other origin. */
    @Test
    void everyPageCarriesTheContentSecurityPolicy() {
        String policy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        given().get("/console/sign-in").then().header("Content-Security-Policy", policy);
        given().redirects().follow(false).get("/console/live").then().header("Content-Security-Policy", policy);
        given().cookie(ConsoleRouter.COOKIE, signIn()).get("/console/events").then().header("Content-Security-Policy", policy)
                .header("Content-Security-Policy", not(containsString("unsafe")));
    }

    @Test
    void aWrongTokenIs401WithoutACookie() {
        Response r = given().redirects().follow(false).formParam("token", Admin.TEST_TOKEN + "x").post("/console/sign-in");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().getValues("Set-Cookie")).isEmpty();
        assertThat(r.asString()).contains("That is not the admin token");
        given().redirects().follow(false).post("/console/sign-in").then().statusCode(401);
    }

    @Test
    void theRightTokenGivesASessionCookie() {
        Response r = given().redirects().follow(false).formParam("token", Admin.TEST_TOKEN).post("/console/sign-in");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/console/events");
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).startsWith(ConsoleRouter.COOKIE + "=").contains("Path=/console").contains("HttpOnly")
                .contains("SameSite=Strict").contains("Max-Age=28800");
        assertThat(r.getCookie(ConsoleRouter.COOKIE)).matches("[A-Za-z0-9_-]{43}");
        given().cookie(ConsoleRouter.COOKIE, r.getCookie(ConsoleRouter.COOKIE)).get("/console/events").then().statusCode(200)
                .body(containsString("<h1>Events</h1>"));
    }

    @Test
    void aReplayWithoutTheCsrfTokenOrFromAnotherSiteIsRefusedAndReplaysNothing() {
        String id = Webhooks.post("tagmango", Fixtures.tagmangoCompletion("csrf-" + UUID.randomUUID() + "@example.com"))
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> archiveAttempts(id) == 1);
        String session = signIn();
        String csrf = csrfOf(session, "/console/events/" + id);

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("target", "archive")
                .post("/console/events/" + id + "/replay").then().statusCode(403).body(containsString("CSRF"));
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("target", "archive")
                .formParam("csrf", csrf + "x").post("/console/events/" + id + "/replay").then().statusCode(403);
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("target", "archive")
                .formParam("csrf", csrfOf(signIn(), "/console/events")) // another session's token
                .post("/console/events/" + id + "/replay").then().statusCode(403);
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).header("Origin", "https://evil.example")
                .formParam("target", "archive").formParam("csrf", csrf)
                .post("/console/events/" + id + "/replay").then().statusCode(403).body(containsString("another site"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> archiveAttempts(id) == 1);

        // The same form, whole and from the console's own origin, replays.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("target", "archive").formParam("csrf", csrf)
                .post("/console/events/" + id + "/replay").then().statusCode(303).header("Location", endsWith("/console/events/" + id));
        await().atMost(Duration.ofSeconds(15)).until(() -> archiveAttempts(id) == 2);
        given().cookie(ConsoleRouter.COOKIE, session).get("/console/events/" + id).then().statusCode(200)
                .body(containsString("Replayed to archive"));
    }

    @Test
    void signOutEndsTheSession() {
        String session = signIn();
        String csrf = csrfOf(session, "/console/events");
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", "wrong").post("/console/sign-out")
                .then().statusCode(403);
        Response out = given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .post("/console/sign-out");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).get("/console/events").then().statusCode(303)
                .header("Location", endsWith("/console/sign-in"));
    }

    static String signIn() {
        return given().redirects().follow(false).formParam("token", Admin.TEST_TOKEN).post("/console/sign-in").then().statusCode(303)
                .extract().cookie(ConsoleRouter.COOKIE);
    }

    static String csrfOf(String session, String page) {
        String html = given().cookie(ConsoleRouter.COOKIE, session).get(page).then().statusCode(200).extract().asString();
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field on " + page).isTrue();
        return m.group(1);
    }

    private static int archiveAttempts(String id) {
        Response r = admin().get("/api/v1/events/" + id);
        if (r.statusCode() != 200) {
            return 0;
        }
        List<Object> attempts = r.path("deliveries.find { it.target == 'archive' }.attempts");
        return attempts == null ? 0 : attempts.size();
    }
}

package io.coursewire.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.coursewire.delivery.SubscriberDeliveryTest;
import io.coursewire.support.HttpSinks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The subscriptions page against the real service and a real subscriber (WireMock): the listing by hook
 * with each one's circuit and last delivery, no token or secret anywhere in it; subscribing through the
 * form, with the API's own refusals; deleting from a row; the CSRF check. Private networks are allowed
 * (the sink is on loopback), as in {@link SubscriberDeliveryTest}, whose profile this shares.
 */
@QuarkusTest
@TestProfile(SubscriberDeliveryTest.Subscribers.class)
class ConsoleSubscriptionsPageTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String PAGE = "/console/subscriptions";
    private final String marker = "console-subs-" + UUID.randomUUID();

    @AfterEach
    void unsubscribeWhatThisTestSubscribed() {
        for (String hook : List.of("course_enrolled", "course_progressed", "course_completed", "course_participation_updated")) {
            for (Map<String, Object> s : listed(hook)) {
                if (String.valueOf(s.get("url")).contains(marker)) {
                    admin().delete(hooks(hook) + "/" + s.get("id"));
                }
            }
        }
    }

    @Test
    void aSubscriptionIsListedUnderItsHookWithItsQueryMaskedAndNeitherTokenNorSecret() {
        String id = subscribe("course_completed", Map.of("url", HttpSinks.server().baseUrl() + "/" + marker + "?key=query-secret-value",
                "authorization_token", "console-token-789", "secret", SECRET, "course", "course-" + marker));
        assertThat(listedOne("course_completed", id)).as("no attempt yet: no last_delivery").doesNotContainKey("last_delivery");
        int completed = listed("course_completed").size();
        String session = ConsoleSecurityTest.signIn();

        String html = page(session, PAGE);
        assertThat(html).contains("<tr id=\"subscription-" + id + "\">").contains("/" + marker + "?key=***</code>")
                .contains("<td>course-" + marker + "</td>").contains("class=\"circuit circuit-closed\">closed</td>")
                .contains("<td class=\"last-delivery\">—</td>")
                .contains("course_completed <span class=\"count\">(" + completed + " subscription" + (completed == 1 ? "" : "s") + ")</span>")
                .contains("id=\"hook-course_enrolled\"").contains("id=\"hook-course_participation_updated\"")
                .doesNotContain("query-secret-value").doesNotContain("console-token-789").doesNotContain(SECRET);
        assertThat(html.split("<tr id=\"subscription-" + id + "\">")[1].split("</tr>")[0]).contains("<td>yes</td><td>yes</td>");

        // Filtered to one hook: only its section.
        assertThat(page(session, PAGE + "?event=course_completed")).contains("id=\"subscription-" + id + "\"")
                .doesNotContain("id=\"hook-course_enrolled\"");
        assertThat(page(session, PAGE + "?event=course_enrolled")).doesNotContain("id=\"subscription-" + id + "\"");
        given().cookie(ConsoleRouter.COOKIE, session).get(PAGE + "?event=course_started").then().statusCode(404)
                .body(containsString("no REST hook &#39;course_started&#39;"));
    }

    @Test
    void theFormSubscribesWithTheApisChecksAndKeepsTheValuesButTheTokenAndSecretWhenRefused() {
        String session = ConsoleSecurityTest.signIn();
        String csrf = ConsoleSecurityTest.csrfOf(session, PAGE);
        String url = "https://203.0.113.9/" + marker;

        String location = given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .formParam("event", "course_progressed").formParam("url", url).formParam("course", "c-48")
                .formParam("authorization_token", "form-token-123").formParam("secret", SECRET)
                .post(PAGE).then().statusCode(303).extract().header("Location");
        Map<String, Object> created = listed("course_progressed").stream().filter(s -> url.equals(s.get("url"))).findFirst().orElseThrow();
        assertThat(created).containsEntry("course", "c-48").containsEntry("signed", true).containsEntry("authenticated", true);
        assertThat(location).endsWith(PAGE + "?event=course_progressed#notice");
        assertThat(page(session, PAGE)).contains("Subscription " + created.get("id") + " to course_progressed created")
                .contains("id=\"subscription-" + created.get("id") + "\"").doesNotContain("form-token-123").doesNotContain(SECRET);

        // Refused: 400 with the API's own words, the form filled again but for the token and the secret.
        String apiDetail = admin().contentType(ContentType.JSON).body(Map.of("url", "ftp://x")).post(hooks("course_completed"))
                .then().statusCode(400).extract().path("detail");
        String refused = given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("event", "course_completed")
                .formParam("url", "ftp://x").formParam("course", "kept-" + marker).formParam("authorization_token", "refused-token-456")
                .formParam("secret", SECRET).post(PAGE).then().statusCode(400).extract().asString();
        assertThat(apiDetail).startsWith("url: ");
        assertThat(refused).contains("Not subscribed: " + apiDetail).contains("value=\"ftp://x\"").contains("value=\"kept-" + marker + "\"")
                .contains("<option value=\"course_completed\" selected>").doesNotContain("refused-token-456").doesNotContain(SECRET);
        assertThat(listed("course_completed")).noneMatch(s -> String.valueOf(s.get("url")).startsWith("ftp:"));

        // No URL at all: the API's "is required".
        given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("event", "course_enrolled").formParam("url", "")
                .post(PAGE).then().statusCode(400).body(containsString("Not subscribed: url: is required"));

        // Without the CSRF token: refused, nothing subscribed.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("event", "course_enrolled")
                .formParam("url", url + "/no-csrf").post(PAGE).then().statusCode(403).body(containsString("CSRF"));
        assertThat(listed("course_enrolled")).noneMatch(s -> String.valueOf(s.get("url")).endsWith("/no-csrf"));
    }

    @Test
    void theFormSubscribesInTheChosenCloudEventsModeAndTheListShowsIt() {
        String session = ConsoleSecurityTest.signIn();
        assertThat(page(session, PAGE)).contains("<select id=\"new-cloudevents\" name=\"cloudevents\">")
                .contains("<option value=\"json\" selected>json</option>").contains("<option value=\"structured\">")
                .contains("<option value=\"binary\">");
        String csrf = ConsoleSecurityTest.csrfOf(session, PAGE);
        String url = "https://203.0.113.9/" + marker + "/binary";

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("event", "course_completed")
                .formParam("url", url).formParam("cloudevents", "binary").post(PAGE).then().statusCode(303);
        Map<String, Object> created = listed("course_completed").stream().filter(s -> url.equals(s.get("url"))).findFirst().orElseThrow();
        assertThat(created).containsEntry("cloudevents", "binary");
        assertThat(row(page(session, PAGE + "?event=course_completed"), (String) created.get("id"))).contains("<td class=\"cloudevents\">binary</td>");

        // Refused for another field: the chosen mode is kept. An unknown mode: the API's words.
        assertThat(given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("event", "course_completed")
                .formParam("url", "ftp://x").formParam("cloudevents", "structured").post(PAGE).then().statusCode(400).extract().asString())
                .contains("<option value=\"structured\" selected>");
        given().cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf).formParam("event", "course_completed")
                .formParam("url", url + "/2").formParam("cloudevents", "cbor").post(PAGE).then().statusCode(400)
                .body(containsString("Not subscribed: cloudevents: must be json, structured or binary"));
    }

    @Test
    void aSubscriptionIsDeletedFromItsRow() {
        String id = subscribe("course_enrolled", Map.of("url", "https://203.0.113.9/" + marker + "/delete-me"));
        String session = ConsoleSecurityTest.signIn();
        String html = page(session, PAGE + "?event=course_enrolled");
        assertThat(html).contains("action=\"/console/subscriptions/course_enrolled/" + id + "/delete\"");
        String csrf = ConsoleSecurityTest.csrfOf(session, PAGE);

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).post(PAGE + "/course_enrolled/" + id + "/delete")
                .then().statusCode(403);
        assertThat(listed("course_enrolled")).anyMatch(s -> id.equals(s.get("id")));

        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .formParam("back-event", "course_enrolled").post(PAGE + "/course_enrolled/" + id + "/delete").then().statusCode(303)
                .header("Location", endsWith(PAGE + "?event=course_enrolled"));
        assertThat(listed("course_enrolled")).noneMatch(s -> id.equals(s.get("id")));
        assertThat(page(session, PAGE + "?event=course_enrolled")).contains("Subscription " + id + " to course_enrolled deleted")
                .doesNotContain("id=\"subscription-" + id + "\"");

        // Again: the API's 404, as a notice.
        given().redirects().follow(false).cookie(ConsoleRouter.COOKIE, session).formParam("csrf", csrf)
                .post(PAGE + "/course_enrolled/" + id + "/delete").then().statusCode(303).header("Location", endsWith(PAGE));
        assertThat(page(session, PAGE)).contains("Subscription " + id + " not deleted: no subscription " + id + " to course_enrolled");
    }

    @Test
    void theLastDeliveryShowsInTheApiAndOnThePage() {
        String path = "/" + marker + "/ok";
        HttpSinks.server().stubFor(post(path).willReturn(aResponse().withStatus(200)));
        String course = "course-" + marker;
        String ok = subscribe("course_completed", Map.of("url", HttpSinks.server().baseUrl() + path, "course", course));
        // Nothing listens on port 9: each attempt is a connection error, not an HTTP status.
        String refused = subscribe("course_completed", Map.of("url", "http://127.0.0.1:9/" + marker + "/refused", "course", course));
        Instant before = Instant.now();

        ConsolePagesTest.accept(course);
        await().atMost(Duration.ofSeconds(15)).until(() -> listedOne("course_completed", ok).containsKey("last_delivery")
                && listedOne("course_completed", refused).containsKey("last_delivery"));

        JsonPath api = admin().get(hooks("course_completed")).then().statusCode(200).extract().jsonPath();
        Map<String, Object> delivered = api.getMap("find { it.id == '" + ok + "' }.last_delivery");
        assertThat(delivered).containsEntry("status", 200).containsEntry("outcome", "delivered").doesNotContainKey("error");
        assertThat(Instant.parse((String) delivered.get("at"))).isAfterOrEqualTo(before.minusSeconds(1));
        Map<String, Object> failed = api.getMap("find { it.id == '" + refused + "' }.last_delivery");
        assertThat(failed).doesNotContainKey("status");
        assertThat(failed.get("outcome")).as("its first attempts, or its last").isIn("retrying", "dead");
        assertThat((String) failed.get("error")).contains("Connection refused");

        String html = page(ConsoleSecurityTest.signIn(), PAGE + "?event=course_completed");
        assertThat(row(html, ok)).contains("<time>" + Instant.parse((String) delivered.get("at")) + "</time> HTTP 200 <span class=\"state-delivered\">delivered</span>");
        assertThat(row(html, refused)).contains("Connection refused").contains("<span class=\"state-" + failed.get("outcome") + "\">");
    }

    private static String row(String html, String id) {
        return html.split("<tr id=\"subscription-" + id + "\">")[1].split("</tr>")[0];
    }

    private static String page(String session, String path) {
        return given().cookie(ConsoleRouter.COOKIE, session).get(path).then().statusCode(200).extract().asString();
    }

    private static String hooks(String hook) {
        return "/api/v1/rest_hooks/" + hook + "/subscriptions";
    }

    private static String subscribe(String hook, Map<String, String> body) {
        return admin().contentType(ContentType.JSON).body(body).post(hooks(hook)).then().statusCode(201).extract().path("id");
    }

    private static List<Map<String, Object>> listed(String hook) {
        return admin().get(hooks(hook)).then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static Map<String, Object> listedOne(String hook, String id) {
        return listed(hook).stream().filter(s -> id.equals(s.get("id"))).findFirst().orElseThrow();
    }
}

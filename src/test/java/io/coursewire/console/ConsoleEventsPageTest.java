package io.coursewire.console;

import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/** The events list: newest first, 50 a page, an "older" cursor, the filters, escaped output. */
@QuarkusTest
class ConsoleEventsPageTest {

    private static final Pattern ROW_ID = Pattern.compile("<a href=\"/console/events/(evt_[0-9a-f]+)\">");
    private static final Pattern OLDER = Pattern.compile("<a href=\"([^\"]+)\" rel=\"next\"");

    @Test
    void fiftyAPageNewestFirstWithAnOlderCursor() {
        // A day of its own in the past, so only this test's events fall in it.
        String day = "19" + (10 + ThreadLocalRandom.current().nextInt(80)) + "-0" + (1 + ThreadLocalRandom.current().nextInt(9)) + "-1"
                + ThreadLocalRandom.current().nextInt(10);
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 52; i++) {
            ObjectNode body = Fixtures.json("tagmango-course-completed.json");
            body.put("email", "page-" + day + "-" + i + "@example.com");
            body.put("lastProgressOn", day + "T10:" + String.format("%02d", i) + "Z");
            body.put("course", i == 0 ? "<script>alert(1)</script>" : "Paging course");
            if (i == 3 || i == 5) {
                body.put("courseId", "course-of-" + day);
            }
            posted.add(Webhooks.post("tagmango", Fixtures.write(body)).then().statusCode(202).extract().path("id"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> posted.stream().allMatch(id -> admin().get("/api/v1/events/" + id).statusCode() == 200));

        String session = ConsoleSecurityTest.signIn();
        String first = given().cookie(ConsoleRouter.COOKIE, session).queryParam("vendor", "tagmango").queryParam("type", "course.completed")
                .queryParam("from", day).queryParam("to", day).get("/console/events").then().statusCode(200).extract().asString();
        List<String> page1 = ids(first);
        assertThat(page1).hasSize(50);
        Matcher older = OLDER.matcher(first);
        assertThat(older.find()).isTrue();
        String page2Html = given().cookie(ConsoleRouter.COOKIE, session).urlEncodingEnabled(false)
                .get(older.group(1).replace("&amp;", "&")).then().statusCode(200).extract().asString();
        List<String> page2 = ids(page2Html);
        assertThat(page2).hasSize(2);
        assertThat(OLDER.matcher(page2Html).find()).as("no older page after the last").isFalse();
        List<String> all = new ArrayList<>(page1);
        all.addAll(page2);
        // Newest first: the reverse of the order they were routed in (each was posted after the last was accepted).
        assertThat(all).containsExactlyInAnyOrderElementsOf(posted);
        assertThat(all.get(0)).isEqualTo(posted.get(51));
        assertThat(page2Html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");

        // Other filters: a course (newest first), an id, another type, a day without events, a malformed date.
        assertThat(ids(given().cookie(ConsoleRouter.COOKIE, session).queryParam("course", "course-of-" + day).get("/console/events")
                .asString())).containsExactly(posted.get(5), posted.get(3));
        assertThat(ids(given().cookie(ConsoleRouter.COOKIE, session).queryParam("id", posted.get(7)).get("/console/events").asString()))
                .containsExactly(posted.get(7));
        assertThat(ids(given().cookie(ConsoleRouter.COOKIE, session).queryParam("type", "course.enrolled").queryParam("from", day)
                .queryParam("to", day).get("/console/events").asString())).isEmpty();
        given().cookie(ConsoleRouter.COOKIE, session).queryParam("from", "yesterday").get("/console/events").then().statusCode(400);
    }

    private static List<String> ids(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = ROW_ID.matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}

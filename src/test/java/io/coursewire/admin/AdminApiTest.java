package io.coursewire.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The admin API's door: the token in either form, 401 without it, 404 problems for unknown ids. */
@QuarkusTest
class AdminApiTest {

    static final String TOKEN = "test-admin-token";

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/dead-letters", "/api/v1/events", "/api/v1/events/evt_00000000000000000000000000000000" })
    void withoutTheTokenEveryCallIs401(String path) {
        given().get(path).then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong-token").get(path).then().statusCode(401)
                .body("detail", equalTo("the admin token is not valid"));
        given().header("Authorization", "Token token=" + TOKEN + "x").get(path).then().statusCode(401);
    }

    @Test
    void replaysAre401WithoutTheTokenToo() {
        given().post("/api/v1/dead-letters/1/replay").then().statusCode(401);
        given().post("/api/v1/events/evt_x/replay").then().statusCode(401);
        given().delete("/api/v1/dead-letters/1").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void bothAuthorizationFormsAreAccepted() {
        given().header("Authorization", "Bearer " + TOKEN).get("/api/v1/dead-letters").then().statusCode(200).body("$", hasKey("deadLetters"));
        given().header("Authorization", "Token token=" + TOKEN).get("/api/v1/dead-letters").then().statusCode(200);
        given().header("Authorization", "Token token=\"" + TOKEN + "\"").get("/api/v1/dead-letters").then().statusCode(200);
    }

    @Test
    void unknownIdsAre404Problems() {
        admin().get("/api/v1/events/evt_ffffffffffffffffffffffffffffffff").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404)).body("detail", containsString("no event"));
        admin().post("/api/v1/events/evt_ffffffffffffffffffffffffffffffff/replay").then().statusCode(404);
        admin().post("/api/v1/dead-letters/999999999/replay").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no dead letter"));
        admin().post("/api/v1/dead-letters/not-a-number/replay").then().statusCode(404);
        admin().delete("/api/v1/dead-letters/999999999").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no dead letter"));
        admin().delete("/api/v1/dead-letters/not-a-number").then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentListsTheAdminApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/dead-letters"))
                .body("paths", hasKey("/api/v1/dead-letters/{id}/replay"))
                .body("paths.'/api/v1/dead-letters/{id}'", hasKey("delete"))
                .body("paths", hasKey("/api/v1/events"))
                .body("paths", hasKey("/api/v1/events/{id}"))
                .body("paths", hasKey("/api/v1/events/{id}/replay"));
    }

    @Test
    void eventsAreListedNewestFirstByCourseAPageAtATime() {
        String course = "course-listed-" + java.util.UUID.randomUUID();
        java.util.List<String> posted = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            com.fasterxml.jackson.databind.node.ObjectNode body = io.coursewire.support.Fixtures.json("tagmango-course-completed.json");
            body.put("courseId", course);
            body.put("email", "listed-" + i + "@example.com");
            posted.add(io.coursewire.support.Webhooks.post("tagmango", io.coursewire.support.Fixtures.write(body)).then().statusCode(202)
                    .extract().path("id"));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> admin().get("/api/v1/events?course=" + course).<java.util.List<?>>path("events").size() == 3);

        admin().get("/api/v1/events?course=" + course).then().statusCode(200)
                .body("events.id", org.hamcrest.Matchers.contains(posted.get(2), posted.get(1), posted.get(0)))
                .body("events[0].vendor", equalTo("tagmango")).body("events[0].type", equalTo("course.completed"))
                .body("events[0].course.id", equalTo(course)).body("$", org.hamcrest.Matchers.not(hasKey("next")))
                .body(org.hamcrest.Matchers.not(containsString("listed-0@example.com")));
        String next = admin().get("/api/v1/events?course=" + course + "&limit=2").then().statusCode(200)
                .body("events.id", org.hamcrest.Matchers.contains(posted.get(2), posted.get(1))).extract().path("next");
        admin().get("/api/v1/events?course=" + course + "&limit=2&before=" + next).then().statusCode(200)
                .body("events.id", org.hamcrest.Matchers.contains(posted.get(0))).body("$", org.hamcrest.Matchers.not(hasKey("next")));
        admin().get("/api/v1/events?id=" + posted.get(1)).then().body("events.id", org.hamcrest.Matchers.contains(posted.get(1)));

        admin().get("/api/v1/events?from=yesterday").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("from: takes an ISO date"));
        admin().get("/api/v1/events?before=abc").then().statusCode(400).body("detail", containsString("before: must be"));
    }

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }
}

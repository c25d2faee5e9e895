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
    @ValueSource(strings = { "/api/v1/dead-letters", "/api/v1/events/evt_00000000000000000000000000000000" })
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
    }

    @Test
    void theOpenApiDocumentListsTheAdminApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/dead-letters"))
                .body("paths", hasKey("/api/v1/dead-letters/{id}/replay"))
                .body("paths", hasKey("/api/v1/events/{id}"))
                .body("paths", hasKey("/api/v1/events/{id}/replay"));
    }

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }
}

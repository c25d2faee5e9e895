package io.coursewire.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** Calls to the admin API with the test profile's admin token. */
public final class Admin {

    public static final String TEST_TOKEN = "test-admin-token";

    private Admin() {
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Token token=" + TEST_TOKEN);
    }
}

package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.RawHttp;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * The front door under hostile traffic (PRODUCT.md §2 "Hostile traffic and limits"), over plain
 * sockets so that a test can do what attackers do: send headers and stop, promise a megabyte and send
 * ten bytes, send credentials in the URL. Small limits here (64 KiB of bodies in flight, a 1 s read
 * timeout, 40 connections) so each limit is reached with a handful of requests.
 */
@QuarkusTest
@TestProfile(InboundGuardTest.SmallLimits.class)
class InboundGuardTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.ingest.max-inflight-bytes", "64K",
                    "coursewire.ingest.read-timeout", "1s",
                    "quarkus.http.limits.max-connections", "40");
        }
    }

    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    private static final String MEGABYTE = Integer.toString(1_000_000);

    private static RawHttp connect() throws IOException {
        return RawHttp.connect(RestAssured.port);
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    @ParameterizedTest
    @ValueSource(strings = { "zapnito", "toolzz", "digitalchalk", "tagmango", "thinkific" })
    void withoutACredentialTheBodyIsNeverRead(String vendor) throws IOException {
        try (RawHttp client = connect()) {
            // A megabyte promised, not a byte sent: the answer comes anyway, and the connection closes.
            client.head("POST", "/webhooks/" + vendor, headers("Content-Length", MEGABYTE));
            RawHttp.Response response = client.response(PROMPTLY);
            assertThat(response).as("an answer before the body").isNotNull();
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(client.closedWithin(PROMPTLY)).as("connection closed rather than the body read").isTrue();
        }
    }

    @Test
    void wrongCredentialsAreRefusedBeforeTheBodyToo() throws IOException {
        Map<String, Map<String, String>> wrong = Map.of(
                "/webhooks/tagmango?token=wrong", headers("Content-Length", MEGABYTE),
                "/webhooks/toolzz", headers("Content-Length", MEGABYTE, "X-Webhook-Token", "wrong"),
                "/webhooks/zapnito", headers("Content-Length", MEGABYTE, "Authorization", "Token token=wrong"),
                // Thinkific's signature needs the body, but a header that cannot be one does not.
                "/webhooks/thinkific", headers("Content-Length", MEGABYTE, "X-Thinkific-Hmac-Sha256", "0123abc"));
        for (var request : wrong.entrySet()) {
            try (RawHttp client = connect()) {
                client.head("POST", request.getKey(), request.getValue());
                RawHttp.Response response = client.response(PROMPTLY);
                assertThat(response).as(request.getKey()).isNotNull();
                assertThat(response.status()).as(request.getKey()).isEqualTo(401);
            }
        }
    }

    @Test
    void zapnitoTokenInTheQueryIsNotACredential() throws IOException {
        String body = Fixtures.text("zapnito-course-participation-updated.json");
        try (RawHttp client = connect()) {
            client.head("POST", "/webhooks/zapnito?Authorization=Token%20token%3Dzapnito-demo-secret",
                    headers("Content-Length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length)));
            RawHttp.Response response = client.response(PROMPTLY);
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(401);
        }
    }

    @Test
    void routingFieldsComeFromHeadersNeverFromTheQuery() {
        ObjectNode zapnito = Fixtures.json("zapnito-course-participation-updated.json");
        zapnito.put("user_id", 777_001);
        String body = Fixtures.write(zapnito);
        String fromQuery = RestAssured.given().contentType("application/json")
                .header("Authorization", "Token token=" + Webhooks.secretOf("zapnito"))
                .queryParam("X-Zapnito-Hostname", "attacker.example").body(body)
                .post("/webhooks/zapnito").then().statusCode(202).extract().path("id");
        JsonNode event = EventFiles.archive().awaitEvent(fromQuery);
        assertThat(event.path("data").path("tenant").path("host").isNull()).as("host from the URL ignored").isTrue();
        String fromHeader = Webhooks.post("zapnito", body).then().statusCode(202).extract().path("id");
        assertThat(fromHeader).as("the header, not the query, feeds the event id").isNotEqualTo(fromQuery);
        assertThat(EventFiles.archive().awaitEvent(fromHeader).path("data").path("tenant").path("host").asText())
                .isEqualTo("community.acme.org");

        ObjectNode thinkific = Fixtures.json("thinkific-enrollment-completed.json");
        thinkific.put("id", "guard-query-subdomain-1");
        String signed = Fixtures.write(thinkific);
        String id = RestAssured.given().contentType("application/json")
                .header("X-Thinkific-Hmac-Sha256", Webhooks.hmacHex(Webhooks.THINKIFIC_TEST_SECRET, signed))
                .queryParam("X-Thinkific-Subdomain", "attacker").body(signed.getBytes(StandardCharsets.UTF_8))
                .post("/webhooks/thinkific").then().statusCode(202).extract().path("id");
        assertThat(EventFiles.archive().awaitEvent(id).path("data").path("tenant").path("host").isNull()).isTrue();
    }

    @Test
    void aWellFormedSignatureWaitsForTheBodyWhichMustMatch() throws IOException {
        byte[] body = Fixtures.text("thinkific-enrollment-completed.json").getBytes(StandardCharsets.UTF_8);
        try (RawHttp client = connect()) {
            client.head("POST", "/webhooks/thinkific", headers("Content-Length", Integer.toString(body.length),
                    "X-Thinkific-Hmac-Sha256", "ab".repeat(32)));
            assertThat(client.response(Duration.ofMillis(300))).as("no answer until the body is there").isNull();
            client.body(body);
            RawHttp.Response response = client.response(PROMPTLY);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.body()).contains("does not match");
        }
    }

    @Test
    void bodiesInFlightShareOneBudgetAndAStalledSenderIsCutOff() throws IOException {
        try (RawHttp stalled = connect(); RawHttp next = connect()) {
            // 60 KiB promised of the 64 KiB budget, ten bytes sent, then nothing.
            stalled.head("POST", "/webhooks/tagmango?token=" + Webhooks.secretOf("tagmango"),
                    headers("Content-Length", Integer.toString(60 * 1024)));
            stalled.body("{\"email\":\"".getBytes(StandardCharsets.US_ASCII));
            assertThat(stalled.response(Duration.ofMillis(200))).isNull();

            byte[] body = Fixtures.tagmangoCompletion("budget@example.com").getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[8 * 1024];
            java.util.Arrays.fill(padded, (byte) ' ');
            System.arraycopy(body, 0, padded, 0, body.length);
            next.head("POST", "/webhooks/tagmango?token=" + Webhooks.secretOf("tagmango"),
                    headers("Content-Length", Integer.toString(padded.length)));
            RawHttp.Response busy = next.response(PROMPTLY);
            assertThat(busy).as("told at once, before sending").isNotNull();
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.header("Retry-After")).isNotBlank();
            assertThat(busy.header("Content-Type")).isEqualTo("application/problem+json");

            // The read timeout (1 s here) cuts the stalled sender off and gives its share back.
            RawHttp.Response cut = stalled.response(Duration.ofSeconds(5));
            assertThat(cut).as("the stalled sender is answered").isNotNull();
            assertThat(cut.status()).isEqualTo(408);
            assertThat(stalled.closedWithin(PROMPTLY)).isTrue();

            Webhooks.post("tagmango", new String(padded, StandardCharsets.UTF_8)).then().statusCode(202);
        }
    }

    @Test
    void chunkedBodiesTakeTheirShareAsTheyArrive() throws IOException {
        try (RawHttp client = connect()) {
            client.head("POST", "/webhooks/tagmango?token=" + Webhooks.secretOf("tagmango"), headers("Transfer-Encoding", "chunked"));
            byte[] chunk = ("4000\r\n" + " ".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 6 && client.body(chunk); i++) {
                // 96 KiB offered against a 64 KiB budget
            }
            RawHttp.Response response = client.response(PROMPTLY);
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(503);
            assertThat(client.closedWithin(PROMPTLY)).isTrue();
        }
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("after-chunked@example.com")).then().statusCode(202);
    }

    @Test
    void expectContinueIsOnlyAnsweredForAuthenticSenders() throws IOException {
        byte[] body = Fixtures.tagmangoCompletion("expect@example.com").getBytes(StandardCharsets.UTF_8);
        try (RawHttp refused = connect()) {
            refused.head("POST", "/webhooks/tagmango?token=wrong",
                    headers("Content-Length", Integer.toString(body.length), "Expect", "100-continue"));
            assertThat(refused.response(PROMPTLY).status()).isEqualTo(401);
        }
        try (RawHttp accepted = connect()) {
            accepted.head("POST", "/webhooks/tagmango?token=" + Webhooks.secretOf("tagmango"),
                    headers("Content-Length", Integer.toString(body.length), "Expect", "100-continue"));
            assertThat(accepted.response(PROMPTLY).status()).isEqualTo(100);
            accepted.body(body);
            assertThat(accepted.response(PROMPTLY).status()).isEqualTo(202);
        }
    }

    @Test
    void aHeaderBlockOver16KiBIs431() throws IOException {
        try (RawHttp client = connect()) {
            client.head("POST", "/webhooks/tagmango", headers("X-Padding", "a".repeat(17 * 1024), "Content-Length", "2"));
            RawHttp.Response response = client.response(PROMPTLY);
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(431);
        }
    }

    @Test
    void connectionsAreCapped() throws IOException {
        List<RawHttp> clients = new ArrayList<>();
        int served = 0;
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(connect());
            }
            for (RawHttp client : clients) {
                try {
                    client.head("GET", "/q/health/live", Map.of());
                    RawHttp.Response response = client.response(Duration.ofSeconds(2));
                    if (response != null && response.status() == 200) {
                        served++;
                    }
                } catch (IOException refused) {
                    // closed by the server: over the limit
                }
            }
        } finally {
            for (RawHttp client : clients) {
                client.close();
            }
        }
        assertThat(served).as("of 50 connections held at once, at most the 40 allowed are served").isBetween(1, 40);
        RestAssured.given().get("/q/health/live").then().statusCode(200);
    }
}

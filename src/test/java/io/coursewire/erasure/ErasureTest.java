package io.coursewire.erasure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.LearnerKeys;
import io.coursewire.eventlog.Migrated;
import io.coursewire.support.Fixtures;
import io.coursewire.support.HttpSinks;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code POST /api/v1/erasures} on the running service: a learner with events from three vendors, one
 * of them waiting on a retry and one dead-lettered, is erased by email; nothing of theirs is found
 * afterwards through the API or in the database, the waiting retry never reaches its target, the files
 * of the file targets are listed and left as they were, another learner keeps everything, and the
 * audit entry holds a hash, not the email. Then an erasure by vendor and learner id, and the refusals.
 */
@QuarkusTest
@TestProfile(ErasureTest.Sinks.class)
class ErasureTest {

    /** A retry of the waiting target is due 8 s after its first attempt: long enough to erase the learner meanwhile. */
    public static class Sinks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.delivery.retry.initial-delay", "8s", "coursewire.delivery.retry.max-delay", "1m",
                    "coursewire.subscriptions.allow-private-networks", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Templates.class));
        }
    }

    public static class Templates extends HttpSinks {
        @Override
        protected String template() {
            return "erasure-targets.yaml";
        }
    }

    static final Path FILES = Path.of("target/erasure-files");
    static final Path ARCHIVE = Path.of("target/erasure-archive");

    @Inject
    @Migrated
    DataSource db;

    @BeforeEach
    void sinks() {
        HttpSinks.server().stubFor(post("/erasure-waiting").willReturn(aResponse().withStatus(503)));
        HttpSinks.server().stubFor(post("/erasure-gone").willReturn(aResponse().withStatus(410)));
        HttpSinks.server().stubFor(post("/erasure-hook").willReturn(aResponse().withStatus(503)));
    }

    @Test
    void aLearnerErasedByEmailLeavesNothingBehindAndTheirWaitingRetryNeverArrives() throws Exception {
        String email = "Jane." + UUID.randomUUID() + "@Example.com";
        // A REST Hook subscriber of her tagmango event's course, down: that delivery waits on a retry too.
        String course = "course-erasure-" + UUID.randomUUID();
        String subscription = admin().contentType("application/json")
                .body("{\"url\": \"" + HttpSinks.server().baseUrl() + "/erasure-hook\", \"course\": \"" + course + "\"}")
                .post("/api/v1/rest_hooks/course_completed/subscriptions").then().statusCode(201).extract().path("id");
        try {
            erasesEverythingOfHers(email, course);
        } finally {
            admin().delete("/api/v1/rest_hooks/course_completed/subscriptions/" + subscription).then().statusCode(204);
        }
    }

    private void erasesEverythingOfHers(String email, String course) throws Exception {
        String other = "other." + UUID.randomUUID() + "@example.com";
        ObjectNode hers = Fixtures.json("tagmango-course-completed.json");
        hers.put("email", email);
        hers.put("courseId", course);
        String tagmango = accept("tagmango", Fixtures.write(hers));
        String thinkific = accept("thinkific", thinkific(email));
        String toolzz = accept("toolzz", toolzz(email, randomId()));
        List<String> janes = List.of(tagmango, thinkific, toolzz);
        String otherTagmango = accept("tagmango", tagmango(other));
        String otherThinkific = accept("thinkific", thinkific(other));
        String otherToolzz = accept("toolzz", toolzz(other, randomId()));
        List<String> others = List.of(otherTagmango, otherThinkific, otherToolzz);

        // Every target has had its first attempt: the thinkific events wait on a retry, the toolzz ones are dead letters.
        awaitDeliveries(otherTagmango, 2);
        for (String id : List.of(tagmango, thinkific, toolzz, otherThinkific, otherToolzz)) {
            awaitDeliveries(id, 3);
        }
        awaitDeadLetter(toolzz);
        awaitDeadLetter(otherToolzz);
        assertThat(requestsFor("/erasure-waiting", thinkific)).isEqualTo(1);
        assertThat(requestsFor("/erasure-hook", tagmango)).isEqualTo(1);
        for (String id : janes) {
            await().atMost(Duration.ofSeconds(10)).until(() -> jsonFileOf(id) != null);
        }
        byte[] archivedBefore = archiveHolding(tagmango);

        JsonPath erased = admin().contentType("application/json").body("{\"email\": \" " + email.toUpperCase() + " \"}")
                .post("/api/v1/erasures").then().statusCode(200).extract().jsonPath();
        assertThat(erased.getInt("events")).isEqualTo(3);
        assertThat(erased.getInt("attempts")).isEqualTo(9); // one per target each: 3 (two files, the subscriber) + 3 + 3
        assertThat(erased.getInt("deadLetters")).isEqualTo(1);
        assertThat(erased.getLong("pendingCancelled")).isEqualTo(2); // the waiting retries: the target's and the subscriber's
        List<String> files = erased.getList("files");
        for (String id : janes) {
            assertThat(files).contains(jsonFileOf(id).toString());
        }
        assertThat(files).anyMatch(f -> f.startsWith(ARCHIVE.toString()) && f.endsWith(".ndjson"));
        assertThat(erased.prettify()).doesNotContainIgnoringCase(email);

        // Nothing of hers through the API.
        for (String id : janes) {
            admin().get("/api/v1/events/" + id).then().statusCode(404);
        }
        for (String vendor : List.of("tagmango", "thinkific", "toolzz")) {
            List<String> listed = admin().queryParam("vendor", vendor).queryParam("limit", 200).get("/api/v1/events").then().statusCode(200)
                    .extract().jsonPath().getList("events.id");
            assertThat(listed).doesNotContainAnyElementsOf(janes);
        }
        admin().get("/api/v1/dead-letters?target=erasure-gone&limit=1000&include=replayed").then().statusCode(200)
                .body("deadLetters.eventId", not(hasItem(toolzz)));
        // Nor in the database.
        assertThat(eventLogPayloadsHolding(email.toLowerCase())).isZero();
        assertThat(count("SELECT COUNT(*) FROM dead_letter WHERE LOWER(payload) LIKE ?", "%" + email.toLowerCase() + "%")).isZero();
        for (String id : janes) {
            assertThat(count("SELECT COUNT(*) FROM delivery_attempt WHERE event_id = ?", id)).as("attempts of %s", id).isZero();
        }

        // Her waiting retry never reaches the target: its due time passes with no second request.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15))
                .until(() -> requestsFor("/erasure-waiting", thinkific) == 1 && requestsFor("/erasure-hook", tagmango) == 1);
        assertThat(count("SELECT COUNT(*) FROM delivery_attempt WHERE event_id = ?", thinkific)).isZero();

        // The files are the operator's: listed, not touched.
        for (String id : janes) {
            assertThat(jsonFileOf(id)).exists();
        }
        assertThat(archiveHolding(tagmango)).isEqualTo(archivedBefore);

        // The other learner keeps everything, their own waiting retry included.
        for (String id : others) {
            admin().get("/api/v1/events/" + id).then().statusCode(200);
        }
        admin().get("/api/v1/dead-letters?target=erasure-gone&limit=1000").then().body("deadLetters.eventId", hasItem(otherToolzz));
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsFor("/erasure-waiting", otherThinkific) >= 2);

        // The audit entry: the hash and the counts, never the email.
        String hash = LearnerKeys.auditHash(LearnerKeys.emailIdentity(email));
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT * FROM erasure WHERE id = ?")) {
            ps.setLong(1, Long.parseLong(erased.getString("erasure")));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("identifier_hash")).isEqualTo(hash);
                assertThat(rs.getString("identifier_kind")).isEqualTo("email");
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    assertThat(String.valueOf(rs.getObject(i))).doesNotContainIgnoringCase(email);
                }
            }
        }
        admin().get("/api/v1/erasures").then().statusCode(200)
                .body("erasures.find { it.id == '" + erased.getString("erasure") + "' }.identifierHash", org.hamcrest.Matchers.is(hash))
                .body(not(containsString(email.toLowerCase())));

        // Asked again: nothing left to erase.
        admin().contentType("application/json").body("{\"email\": \"" + email + "\"}").post("/api/v1/erasures").then().statusCode(200)
                .body("events", org.hamcrest.Matchers.is(0)).body("deadLetters", org.hamcrest.Matchers.is(0));
    }

    @Test
    void aLearnerErasedByVendorAndIdLosesThoseEventsOnly() throws Exception {
        String email = "shared." + UUID.randomUUID() + "@example.com";
        String learnerId = randomId();
        String first = accept("toolzz", toolzz(email, learnerId));
        String second = accept("toolzz", toolzz(email, learnerId));
        // The same email at the same vendor under another learner id: another learner there.
        String otherId = accept("toolzz", toolzz(email, randomId()));
        for (String id : List.of(first, second, otherId)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/api/v1/events/" + id).statusCode() == 200);
        }

        admin().contentType("application/json").body("{\"vendor\": \"toolzz\", \"learnerId\": \"" + learnerId + "\"}").post("/api/v1/erasures")
                .then().statusCode(200).body("events", org.hamcrest.Matchers.is(2));
        admin().get("/api/v1/events/" + first).then().statusCode(404);
        admin().get("/api/v1/events/" + second).then().statusCode(404);
        admin().get("/api/v1/events/" + otherId).then().statusCode(200);
        // A delivery under way at that moment is dropped, not dead-lettered afterwards.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                count("SELECT COUNT(*) FROM dead_letter WHERE event_id IN (?, ?)", first, second) == 0
                        && count("SELECT COUNT(*) FROM delivery_attempt WHERE event_id IN (?, ?)", first, second) == 0);
        admin().get("/api/v1/erasures").then().body("erasures[0].kind", org.hamcrest.Matchers.is("learner"))
                .body("erasures[0].identifierHash", org.hamcrest.Matchers.is(LearnerKeys.auditHash(LearnerKeys.learnerIdentity("toolzz", learnerId))));
    }

    @Test
    void aRequestNotNamingExactlyOneLearnerIsRefusedNamingTheField() {
        refused("{}", "email: is required");
        refused("{\"email\": \"a@example.com\", \"vendor\": \"toolzz\", \"learnerId\": \"1\"}", "vendor: give either email");
        refused("{\"email\": \"a@example.com\", \"learnerId\": \"1\"}", "learnerId: give either email");
        refused("{\"vendor\": \"toolzz\"}", "learnerId: is required with vendor");
        refused("{\"learnerId\": \"1\"}", "vendor: is required with learnerId");
        refused("{\"email\": 5}", "email: must be a string");
        refused("{\"vendor\": \"toolzz\", \"learnerId\": 5}", "learnerId: must be a string");
        refused("{\"email\": \"" + "a".repeat(400) + "\"}", "email: must be at most 320 characters");
        refused("[\"a@example.com\"]", "JSON object");
        refused("not json", "JSON object");
    }

    @Test
    void withoutTheAdminTokenNothingIsErased() {
        given().contentType("application/json").body("{\"email\": \"a@example.com\"}").post("/api/v1/erasures").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong").contentType("application/json").body("{\"email\": \"a@example.com\"}")
                .post("/api/v1/erasures").then().statusCode(401);
        given().get("/api/v1/erasures").then().statusCode(401);
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/v1/erasures'.post.operationId", org.hamcrest.Matchers.is("eraseLearner"))
                .body("paths.'/api/v1/erasures'.get.operationId", org.hamcrest.Matchers.is("listErasures"))
                .body("components.schemas", org.hamcrest.Matchers.hasKey("ErasureRequest"));
    }

    private static void refused(String body, String detail) {
        admin().contentType("application/json").body(body).post("/api/v1/erasures").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString(detail));
    }

    static String accept(String vendor, String body) {
        return Webhooks.post(vendor, body).then().statusCode(202).extract().path("id");
    }

    static String tagmango(String email) {
        return Fixtures.tagmangoCompletion(email);
    }

    static String thinkific(String email) {
        ObjectNode body = Fixtures.json("thinkific-enrollment-completed.json");
        body.put("id", randomId());
        ObjectNode user = (ObjectNode) body.path("payload").path("user");
        user.put("email", email);
        user.put("id", Long.parseLong(randomId()));
        return Fixtures.write(body);
    }

    static String toolzz(String email, String userId) {
        ObjectNode body = Fixtures.json("toolzz-course-completed.json");
        ObjectNode data = (ObjectNode) body.path("data");
        ((ObjectNode) data.path("enrollment")).put("id", Long.parseLong(randomId()));
        ObjectNode user = (ObjectNode) data.path("user");
        user.put("email", email);
        user.put("id", Long.parseLong(userId));
        return Fixtures.write(body);
    }

    static String randomId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE / 2));
    }

    private static void awaitDeliveries(String id, int targets) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var r = admin().get("/api/v1/events/" + id);
            return r.statusCode() == 200 && r.jsonPath().getList("deliveries").size() == targets;
        });
    }

    private static void awaitDeadLetter(String id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> admin().get("/api/v1/dead-letters?target=erasure-gone&limit=1000").jsonPath()
                .getList("deadLetters.eventId").contains(id));
    }

    private static long requestsFor(String path, String eventId) {
        return HttpSinks.server().findAll(postRequestedFor(urlEqualTo(path)).withHeader("webhook-id", equalTo(eventId))).size();
    }

    /** The json target's file of the event, or null while there is none. */
    private static Path jsonFileOf(String id) throws Exception {
        if (!Files.isDirectory(FILES)) {
            return null;
        }
        try (var files = Files.list(FILES)) {
            return files.filter(f -> f.getFileName().toString().endsWith("_" + id + ".json")).findFirst().orElse(null);
        }
    }

    /** The bytes of the ndjson file holding the event. */
    private static byte[] archiveHolding(String id) throws Exception {
        try (var files = Files.list(ARCHIVE)) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (new String(bytes, StandardCharsets.UTF_8).contains(id)) {
                    return bytes;
                }
            }
        }
        throw new AssertionError("no archive file holds " + id);
    }

    private long eventLogPayloadsHolding(String text) throws Exception {
        long found = 0;
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT payload FROM event_log")) {
            while (rs.next()) {
                if (new String(rs.getBytes(1), StandardCharsets.UTF_8).toLowerCase().contains(text)) {
                    found++;
                }
            }
        }
        return found;
    }

    private long count(String sql, String... parameters) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package io.coursewire.admin;

import static io.coursewire.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.coursewire.delivery.CircuitBreakers;
import io.coursewire.eventlog.Migrated;
import io.coursewire.support.CapturedLog;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.Subscription;
import io.coursewire.targets.Subscriptions;
import io.coursewire.targets.Target;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * REST Hook subscriptions through the admin API (§5), the way Zapier uses them, on the default profile
 * (private networks refused). Subscribers are documentation addresses (203.0.113.0/24, never routed):
 * public to the guard, and no event routed meanwhile by another test reaches anyone. Each URL carries
 * this run's marker, so a test sees its own subscriptions only, and they are all removed after it.
 */
@QuarkusTest
class SubscriptionApiTest {

    private static final String HOOKS = "/api/v1/rest_hooks/";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final String marker = "subs-test-" + UUID.randomUUID();

    @Inject
    Subscriptions subscriptions;
    @Inject
    CircuitBreakers circuits;
    @Inject
    @Migrated
    DataSource database;

    @AfterEach
    void unsubscribeWhatThisTestSubscribed() {
        ours().forEach(s -> subscriptions.unsubscribe(s.id()));
    }

    private List<Subscription> ours() {
        return subscriptions.all().stream().filter(s -> s.url().getPath().contains(marker)).toList();
    }

    private String subscriber(String name) {
        return "https://203.0.113.7/" + marker + "/" + name;
    }

    private static String path(String hook) {
        return HOOKS + hook + "/subscriptions";
    }

    private static String subscribe(String hook, Map<String, Object> body) {
        return admin().contentType(ContentType.JSON).body(body).post(path(hook)).then().statusCode(201).extract().path("id");
    }

    private List<Map<String, Object>> listedOurs(String hook) {
        List<Map<String, Object>> listed = admin().get(path(hook)).then().statusCode(200).extract().jsonPath().getList("$");
        return listed.stream().filter(s -> String.valueOf(s.get("url")).contains(marker)).toList();
    }

    @Test
    void everyVerbIs401WithoutTheToken() {
        given().get(path("course_completed")).then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("url", subscriber("anonymous"))).post(path("course_completed")).then()
                .statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Token token=wrong").contentType(ContentType.JSON).body(Map.of("url", subscriber("wrong-token")))
                .post(path("course_completed")).then().statusCode(401);
        String id = subscribe("course_completed", Map.of("url", subscriber("kept")));
        given().delete(path("course_completed") + "/" + id).then().statusCode(401).contentType("application/problem+json");

        assertThat(listedOurs("course_completed")).extracting(s -> s.get("id")).containsExactly(id);
    }

    @Test
    void aSubscriptionIsCreatedAndListedWithoutItsTokenOrSecret() {
        CapturedLog log = new CapturedLog(null).listen();
        Response created;
        try {
            created = admin().contentType(ContentType.JSON)
                    .body(Map.of("url", subscriber("zap") + "?key=query-secret-value&mode=x", "authorization_token", "token-value-123", "secret",
                            SECRET, "course", "48", "zap_id", 991, "target_url", "ignored"))
                    .post(path("course_completed"));
        } finally {
            log.stop();
        }
        created.then().statusCode(201).contentType(ContentType.JSON);
        String id = created.path("id");
        assertThat(id).matches("[0-9]+");
        assertThat(created.header("Location")).endsWith("/api/v1/rest_hooks/course_completed/subscriptions/" + id);
        String plain = subscribe("course_completed", Map.of("url", subscriber("plain")));

        String listing = admin().get(path("course_completed")).then().statusCode(200).extract().asString();
        assertThat(listing).doesNotContain("token-value-123", SECRET, "query-secret-value");
        assertThat(log.lines()).noneMatch(l -> l.contains("token-value-123") || l.contains(SECRET) || l.contains("query-secret-value"));

        List<Map<String, Object>> ours = listedOurs("course_completed");
        assertThat(ours).extracting(s -> s.get("id")).containsExactly(id, plain);
        Map<String, Object> zap = ours.get(0);
        assertThat(zap).containsEntry("event", "course_completed").containsEntry("url", subscriber("zap") + "?key=***&mode=***")
                .containsEntry("course", "48").containsEntry("signed", true).containsEntry("authenticated", true)
                .containsEntry("circuit", "closed").containsKey("created_at").doesNotContainKeys("secret", "authorization_token");
        assertThat(OffsetDateTime.parse((String) zap.get("created_at"))).isBetween(OffsetDateTime.now().minusMinutes(1), OffsetDateTime.now());
        assertThat(ours.get(1)).containsEntry("signed", false).containsEntry("authenticated", false).doesNotContainKey("course");
    }

    @Test
    void theRouterSeesEachSubscriptionForItsHooksEventTypesAndCourse() {
        String participation = subscribe("course_participation_updated", Map.of("url", subscriber("participation"), "course", "68",
                "authorization_token", "abc"));
        String enrolled = subscribe("course_enrolled", Map.of("url", subscriber("enrolled")));

        assertThat(listedOurs("course_participation_updated")).extracting(s -> s.get("id")).containsExactly(participation);
        assertThat(listedOurs("course_completed")).isEmpty();

        String participationTarget = Subscription.TARGET_PREFIX + participation;
        assertThat(targetNames("course.progressed")).contains(participationTarget).doesNotContain(Subscription.TARGET_PREFIX + enrolled);
        assertThat(targetNames("course.completed")).contains(participationTarget);
        assertThat(targetNames("course.enrolled")).contains(Subscription.TARGET_PREFIX + enrolled).doesNotContain(participationTarget);
        HttpTarget target = subscriptions.target(participationTarget).orElseThrow();
        assertThat(target.filters().admit("course.completed", "zapnito", "68")).isTrue();
        assertThat(target.filters().admit("course.completed", "zapnito", "48")).as("another course's events").isFalse();
        assertThat(target.headers()).containsEntry("Authorization", "Token token=abc");
    }

    private List<String> targetNames(String eventType) {
        return subscriptions.candidates(eventType).stream().map(Target::name).toList();
    }

    @Test
    void aDeletedSubscriptionIsGoneAndDeletingItAgainIs404() {
        String id = subscribe("course_progressed", Map.of("url", subscriber("short-lived")));
        String other = subscribe("course_progressed", Map.of("url", subscriber("stays")));

        admin().delete(path("course_completed") + "/" + id).then().statusCode(404).contentType("application/problem+json");
        admin().delete(path("course_progressed") + "/" + id).then().statusCode(204);

        assertThat(listedOurs("course_progressed")).extracting(s -> s.get("id")).containsExactly(other);
        assertThat(subscriptions.target(Subscription.TARGET_PREFIX + id)).as("deliveries no longer find it").isEmpty();
        admin().delete(path("course_progressed") + "/" + id).then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
        admin().delete(path("course_progressed") + "/not-a-number").then().statusCode(404).contentType("application/problem+json");
        admin().delete(path("course_progressed") + "/99999999999").then().statusCode(404);
    }

    @Test
    void aSubscriptionsCircuitShowsInItsListingAndGoesWithIt() {
        String id = subscribe("course_completed", Map.of("url", subscriber("failing")));
        String target = Subscription.TARGET_PREFIX + id;
        CircuitBreakers.Circuit circuit = circuits.of(target);
        for (int i = 0; i < 10; i++) { // coursewire.delivery.circuit.failure-threshold: 10 failed attempts in a row
            circuit.failed(false, System.currentTimeMillis());
        }
        assertThat(listedOurs("course_completed")).singleElement().satisfies(s -> assertThat(s).containsEntry("circuit", "open"));

        admin().delete(path("course_completed") + "/" + id).then().statusCode(204);
        assertThat(circuits.counts(target::equals)).as("no circuit is kept for it").allSatisfy((state, count) -> assertThat(count).isZero());
    }

    @Test
    void theCloudEventsModeIsJsonUnlessAskedForAndShowsInTheAnswerAndTheListing() {
        Response plain = admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("plain"))).post(path("course_completed"));
        plain.then().statusCode(201).body("cloudevents", equalTo("json"));
        Response binary = admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("binary"), "cloudevents", "binary"))
                .post(path("course_completed"));
        binary.then().statusCode(201).body("cloudevents", equalTo("binary"));
        String structured = subscribe("course_completed", Map.of("url", subscriber("structured"), "cloudevents", "structured"));
        String blank = subscribe("course_completed", Map.of("url", subscriber("blank"), "cloudevents", ""));

        assertThat(listedOurs("course_completed")).extracting(s -> s.get("id"), s -> s.get("cloudevents")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(plain.path("id"), "json"), org.assertj.core.groups.Tuple.tuple(binary.path("id"), "binary"),
                org.assertj.core.groups.Tuple.tuple(structured, "structured"), org.assertj.core.groups.Tuple.tuple(blank, "json"));
        // What deliveries see, and what survives a restart: the stored mode.
        assertThat(subscriptions.target(Subscription.TARGET_PREFIX + binary.path("id"))).get()
                .extracting(HttpTarget::cloudevents).isEqualTo(io.coursewire.targets.CloudEventsMode.BINARY);
        assertThat(subscriptions.all()).filteredOn(s -> s.url().getPath().contains(marker)).extracting(s -> s.cloudevents().label())
                .containsExactly("json", "binary", "structured", "json");
    }

    @Test
    void anUnknownHookIs404() {
        admin().get(path("course_started")).then().statusCode(404).contentType("application/problem+json");
        admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("x"))).post(path("course_started")).then().statusCode(404)
                .contentType("application/problem+json");
        admin().delete(path("course_started") + "/1").then().statusCode(404).contentType("application/problem+json");
        assertThat(ours()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing url          | {\"course\": \"48\"}                                          | url: is required",
            "empty url            | {\"url\": \"\"}                                               | url: is required",
            "url not a string     | {\"url\": 42}                                                 | url: must be a string",
            "url an object        | {\"url\": {\"href\": \"https://203.0.113.7/\"}}                | url: must be a string",
            "ftp URL              | {\"url\": \"ftp://203.0.113.7/hook\"}                         | url: must be an absolute http or https URL",
            "relative URL         | {\"url\": \"/hooks/zap\"}                                     | url: must be an absolute http or https URL",
            "not a URL            | {\"url\": \"https://203.0.113.7/a b\"}                        | url: is not a valid URL",
            "credentials in URL   | {\"url\": \"https://u:p@203.0.113.7/hook\"}                   | url: must not carry credentials",
            "token not a string   | {\"url\": \"https://203.0.113.7/h\", \"authorization_token\": 7} | authorization_token: must be a string",
            "token on two lines   | {\"url\": \"https://203.0.113.7/h\", \"authorization_token\": \"a\\r\\nX-Evil: 1\"} | authorization_token: must be one line",
            "course not a string  | {\"url\": \"https://203.0.113.7/h\", \"course\": 48}            | course: must be a string",
            "secret not whsec_    | {\"url\": \"https://203.0.113.7/h\", \"secret\": \"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"} | secret: must start with whsec_",
            "secret not base64    | {\"url\": \"https://203.0.113.7/h\", \"secret\": \"whsec_%%%not-base64\"} | secret: after whsec_ must be base64",
            "secret too short     | {\"url\": \"https://203.0.113.7/h\", \"secret\": \"whsec_c2hvcnQ=\"} | secret: must encode 24 to 64 bytes",
            "secret not a string  | {\"url\": \"https://203.0.113.7/h\", \"secret\": true}          | secret: must be a string",
            "cloudevents unknown  | {\"url\": \"https://203.0.113.7/h\", \"cloudevents\": \"cbor\"}  | cloudevents: must be json, structured or binary",
            "cloudevents in caps  | {\"url\": \"https://203.0.113.7/h\", \"cloudevents\": \"BINARY\"} | cloudevents: must be json, structured or binary",
            "cloudevents a number | {\"url\": \"https://203.0.113.7/h\", \"cloudevents\": 1}       | cloudevents: must be a string",
            "an array             | [{\"url\": \"https://203.0.113.7/h\"}]                        | the body must be a JSON object",
            "not JSON             | url=https://203.0.113.7/h                                     | the body must be a JSON object",
            "truncated JSON       | {\"url\": \"https://203.0.113.7/h\"                           | the body must be a JSON object",
            "empty body           | ''                                                            | the body must be a JSON object",
    })
    void aBadBodyIs400NamingTheField(String why, String body, String detail) {
        admin().contentType(ContentType.JSON).body(body).post(path("course_completed")).then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400)).body("detail", startsWith(detail));
        assertThat(subscriptions.all()).noneMatch(s -> s.url().getPath().equals("/h"));
    }

    @Test
    void tooLongFieldsAre400() {
        String longUrl = subscriber("x") + "?" + "a".repeat(2049);
        admin().contentType(ContentType.JSON).body(Map.of("url", longUrl)).post(path("course_completed")).then().statusCode(400)
                .body("detail", equalTo("url: must be at most 2048 characters"));
        admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("x"), "authorization_token", "t".repeat(1025)))
                .post(path("course_completed")).then().statusCode(400).body("detail", startsWith("authorization_token: must be at most 1024"));
        admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("x"), "course", "c".repeat(257))).post(path("course_completed"))
                .then().statusCode(400).body("detail", startsWith("course: must be at most 256"));
        assertThat(ours()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.0.0.1/hook", "http://172.16.5.4/hook",
            "https://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://[fe80::1]/hook",
            "http://[fc00::1]/hook", "http://0.0.0.0:8080/hook", "http://2130706433/hook", "http://127.1/hook",
            "http://[::ffff:127.0.0.1]/hook" })
    void aSubscriberOnAPrivateNetworkIs400(String url) {
        admin().contentType(ContentType.JSON).body(Map.of("url", url)).post(path("course_completed")).then().statusCode(400)
                .contentType("application/problem+json").body("detail", startsWith("url: "));
        assertThat(subscriptions.all()).noneMatch(s -> s.url().toString().equals(url));
    }

    @Test
    void twoHundredConcurrentSubscribesAndDeletesLeaveExactlyTheExpectedSet() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> kept = new ArrayList<>();
            List<Future<String>> deleted = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String url = subscriber("concurrent-" + i);
                boolean delete = i % 2 == 1;
                (delete ? deleted : kept).add(pool.submit(() -> {
                    String id = subscribe("course_completed", Map.of("url", url));
                    if (delete) {
                        admin().delete(path("course_completed") + "/" + id).then().statusCode(204);
                    }
                    return id;
                }));
            }
            Set<String> expected = new HashSet<>();
            for (Future<String> f : kept) {
                expected.add(f.get());
            }
            Set<String> all = new HashSet<>(expected);
            for (Future<String> f : deleted) {
                all.add(f.get());
            }
            assertThat(all).as("every subscription got an id of its own").hasSize(200);

            assertThat(listedOurs("course_completed")).extracting(s -> (String) s.get("id")).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(storedIds()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(subscriptions.reloadIfChanged()).as("the set in force is the table's").isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    private Set<String> storedIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM subscription WHERE url LIKE ?")) {
            ps.setString(1, "%" + marker + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(Long.toString(rs.getLong(1)));
                }
            }
        }
        return ids;
    }

    @Test
    void anotherInstancesChangesShowWithinSeconds() throws Exception {
        long id;
        try (Connection c = database.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO subscription (event, url, secret, created_at) VALUES ('course_enrolled', ?, ?, CURRENT_TIMESTAMP)",
                        Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, subscriber("elsewhere"));
            insert.setString(2, SECRET);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        String listedId = Long.toString(id);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listedOurs("course_enrolled"))
                .anySatisfy(s -> assertThat(s).containsEntry("id", listedId).containsEntry("signed", true)
                        .containsEntry("cloudevents", "json"))); // a row written without the column (an older instance): json
        assertThat(subscriptions.target(Subscription.TARGET_PREFIX + id)).as("deliveries find it too").isPresent();

        try (Connection c = database.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM subscription WHERE id = ?")) {
            delete.setLong(1, id);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listedOurs("course_enrolled")).isEmpty());
        assertThat(subscriptions.target(Subscription.TARGET_PREFIX + id)).isEmpty();
    }

    @Test
    void whileTheDatabaseFailsChangesAre503AndTheSubscriptionsInForceStay() throws Exception {
        String kept = subscribe("course_completed", Map.of("url", subscriber("before-outage")));
        CapturedLog log = new CapturedLog(null).listen();
        execute("ALTER TABLE subscription RENAME TO subscription_away"); // every statement on the table now fails
        try {
            admin().contentType(ContentType.JSON).body(Map.of("url", subscriber("during-outage"), "authorization_token", "outage-token-456"))
                    .post(path("course_completed")).then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", notNullValue()).body("detail", equalTo("the subscription store is unavailable; retry later"));
            admin().delete(path("course_completed") + "/" + kept).then().statusCode(503).contentType("application/problem+json");
            assertThat(listedOurs("course_completed")).extracting(s -> s.get("id")).containsExactly(kept);
            assertThat(subscriptions.target(Subscription.TARGET_PREFIX + kept)).as("deliveries still find it").isPresent();
        } finally {
            execute("ALTER TABLE subscription_away RENAME TO subscription");
            log.stop();
        }
        assertThat(log.lines()).noneMatch(l -> l.contains("outage-token-456") || l.contains(marker));

        String after = subscribe("course_completed", Map.of("url", subscriber("after-outage")));
        assertThat(listedOurs("course_completed")).extracting(s -> s.get("id")).containsExactly(kept, after);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = database.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheHooks() {
        JsonPath openapi = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Object> hook = openapi.getMap("paths.'/api/v1/rest_hooks/{event}/subscriptions'");
        assertThat(hook).containsKeys("get", "post");
        assertThat(openapi.getMap("paths.'/api/v1/rest_hooks/{event}/subscriptions'.post.responses")).containsKeys("201", "400", "401", "404");
        assertThat(openapi.getList("paths.'/api/v1/rest_hooks/{event}/subscriptions'.post.tags", String.class)).containsExactly("Subscriptions");
        given().accept("application/json").get("/q/openapi").then().body("paths", hasKey("/api/v1/rest_hooks/{event}/subscriptions/{id}"));
    }
}

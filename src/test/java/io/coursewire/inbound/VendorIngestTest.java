package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.canonical.CanonicalSchema;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every vendor's documented sample, posted to its real endpoint, is accepted (202) and arrives in
 * the file target as the expected canonical event — through the real broker and router.
 */
@QuarkusTest
class VendorIngestTest {

    private final EventFiles files = EventFiles.archive();

    /** Posts, expects a first-time 202, and returns the canonical event the file target received. */
    private JsonNode ingest(String vendor, String body) {
        String id = Webhooks.post(vendor, body)
                .then().statusCode(202)
                .contentType("application/json")
                .body("duplicate", equalTo(false))
                .body("id", matchesPattern("evt_[0-9a-f]{32}"))
                .extract().path("id");
        JsonNode event = files.awaitEvent(id);
        CanonicalSchema.assertValid(event);
        assertThat(event.path("id").asText()).isEqualTo(id);
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(event.path("source").asText()).isEqualTo("/sources/" + vendor);
        assertThat(event.path("data").path("vendor").asText()).isEqualTo(vendor);
        return event;
    }

    @Test
    void tagmangoSampleBecomesACompletion() {
        JsonNode e = ingest("tagmango", Fixtures.text("tagmango-course-completed.json"));
        JsonNode d = e.path("data");
        assertThat(e.path("type").asText()).isEqualTo("course.completed");
        assertThat(e.path("time").asText()).isEqualTo("2023-11-20T18:30:00Z");
        assertThat(d.path("course").path("id").asText()).isEqualTo("634fc35ddaf58580e2418c40");
        assertThat(d.path("course").path("title").asText()).isEqualTo("Example course");
        assertThat(d.path("learner").path("id").isNull()).isTrue();
        assertThat(d.path("learner").path("email").asText()).isEqualTo("student@example.com");
        assertThat(d.path("learner").path("name").asText()).isEqualTo("Student Name");
        assertThat(d.path("learner").path("phone").asText()).isEqualTo("1234567890");
        assertThat(d.path("enrollment").path("completedAt").asText()).isEqualTo("2023-11-20T18:30:00Z");
        assertThat(d.path("progress").path("percent").asDouble()).isEqualTo(100.0);
        assertThat(d.path("progress").path("completed").asBoolean()).isTrue();
    }

    @Test
    void zapnitoSampleBelowThresholdIsProgress() {
        JsonNode e = ingest("zapnito", Fixtures.text("zapnito-course-participation-updated.json"));
        JsonNode d = e.path("data");
        assertThat(e.path("type").asText()).isEqualTo("course.progressed");
        assertThat(e.path("time").asText()).isEqualTo("2022-04-13T22:01:28Z");
        assertThat(d.path("tenant").path("host").asText()).isEqualTo("community.acme.org");
        assertThat(d.path("course").path("id").asText()).isEqualTo("1");
        assertThat(d.path("learner").path("id").asText()).isEqualTo("1");
        assertThat(d.path("learner").path("email").asText()).isEqualTo("michael@zapnito.com");
        assertThat(d.path("progress").path("percent").asDouble()).isEqualTo(18.0);
        assertThat(d.path("progress").path("completed").asBoolean()).isFalse();
        assertThat(d.path("progress").path("threshold").asDouble()).isEqualTo(100.0);
    }

    @Test
    void zapnitoCrossingTheThresholdIsCompletion() {
        ObjectNode body = Fixtures.json("zapnito-course-participation-updated.json");
        body.put("completion_percent", 100);
        JsonNode e = ingest("zapnito", Fixtures.write(body));
        assertThat(e.path("type").asText()).isEqualTo("course.completed");
        assertThat(e.path("data").path("progress").path("completed").asBoolean()).isTrue();
    }

    @Test
    void toolzzSampleIsReadInSaoPauloTime() {
        JsonNode e = ingest("toolzz", Fixtures.text("toolzz-course-completed.json"));
        JsonNode d = e.path("data");
        assertThat(e.path("type").asText()).isEqualTo("course.completed");
        assertThat(e.path("time").asText()).isEqualTo("2023-07-03T15:53:41Z");
        assertThat(d.path("tenant").path("id").asText()).isEqualTo("12345");
        assertThat(d.path("course").path("id").asText()).isEqualTo("123456");
        assertThat(d.path("learner").path("id").asText()).isEqualTo("987654321");
        assertThat(d.path("enrollment").path("id").asText()).isEqualTo("11");
        assertThat(d.path("enrollment").path("active").asBoolean()).isTrue();
        assertThat(d.path("extensions").path("cpf").asText()).isEqualTo("123.456.789-99");
    }

    @Test
    void digitalchalkSampleByPostAndByPut() {
        JsonNode e = ingest("digitalchalk", Fixtures.text("digitalchalk-offering-completed.json"));
        JsonNode d = e.path("data");
        assertThat(e.path("type").asText()).isEqualTo("course.completed");
        assertThat(e.path("time").asText()).isEqualTo("2014-04-18T00:39:57Z");
        assertThat(d.path("completedBy").asText()).isEqualTo("learner");
        assertThat(d.path("result").path("score").asDouble()).isEqualTo(58.0);
        assertThat(d.path("result").path("passed").asBoolean()).isFalse();
        assertThat(d.path("learner").path("name").asText()).isEqualTo("Biondello Brissette");

        // A different registration completed by an instructor, sent the way some admins configure it: PUT.
        ObjectNode admin = Fixtures.json("digitalchalk-offering-completed.json");
        admin.put("source", "ADMIN");
        ((ObjectNode) admin.path("registration")).put("id", "9f1e0c2d6a7b4c3d8e9f0a1b2c3d4e5f");
        String id = Webhooks.authentic("digitalchalk", Fixtures.write(admin)).put("/webhooks/digitalchalk")
                .then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        assertThat(files.awaitEvent(id).path("data").path("completedBy").asText()).isEqualTo("admin");
    }

    @Test
    void thinkificEnrollmentLifecycle() {
        JsonNode created = ingest("thinkific", Fixtures.text("thinkific-enrollment-created.json"));
        assertThat(created.path("type").asText()).isEqualTo("course.enrolled");
        assertThat(created.path("time").asText()).isEqualTo("2014-02-01T00:18:10.768Z");
        assertThat(created.path("data").path("tenant").path("id").asText()).isEqualTo("59");
        assertThat(created.path("data").path("tenant").path("host").asText()).isEqualTo("acme-academy");
        assertThat(created.path("data").path("vendorEventId").asText()).isEqualTo("20190131191810790022472");

        JsonNode progress = ingest("thinkific", Fixtures.text("thinkific-enrollment-progress.json"));
        assertThat(progress.path("type").asText()).isEqualTo("course.progressed");
        assertThat(progress.path("data").path("progress").path("percent").asDouble()).isEqualTo(24.0);
        assertThat(progress.path("data").path("course").path("id").asText()).isEqualTo("25");

        JsonNode completed = ingest("thinkific", Fixtures.text("thinkific-enrollment-completed.json"));
        assertThat(completed.path("type").asText()).isEqualTo("course.completed");
        assertThat(completed.path("data").path("learner").path("id").asText()).isEqualTo("56");
        assertThat(completed.path("data").path("enrollment").path("id").asText()).isEqualTo("75");
        assertThat(completed.path("data").path("extensions").path("free_trial").asBoolean()).isFalse();
    }

    @Test
    void unicodeSurvivesTheWholePipeline() {
        ObjectNode body = Fixtures.json("tagmango-course-completed.json");
        body.put("name", "José Ñúñez 李雷");
        body.put("course", "Introdução à Programação — 第一课");
        body.put("email", "jose.nunez@example.com");
        JsonNode e = ingest("tagmango", Fixtures.write(body));
        assertThat(e.path("data").path("learner").path("name").asText()).isEqualTo("José Ñúñez 李雷");
        assertThat(e.path("data").path("course").path("title").asText()).isEqualTo("Introdução à Programação — 第一课");
    }

    @Test
    void unmappedKindsAreAcknowledgedAndRoutedNowhere() {
        ObjectNode order = Fixtures.json("thinkific-enrollment-completed.json");
        order.put("resource", "order");
        order.put("action", "created");
        Webhooks.post("thinkific", Fixtures.write(order))
                .then().statusCode(202)
                .body("ignored", equalTo(true))
                .body("vendorEvent", equalTo("order.created"));

        ObjectNode slug = Fixtures.json("toolzz-course-completed.json");
        ((ObjectNode) slug.path("event")).put("slug", "activities.lesson.completed");
        Webhooks.post("toolzz", Fixtures.write(slug)).then().statusCode(202).body("ignored", equalTo(true));

        ObjectNode userCreated = Fixtures.json("digitalchalk-offering-completed.json");
        userCreated.put("event", "user_created");
        Webhooks.post("digitalchalk", Fixtures.write(userCreated)).then().statusCode(202).body("ignored", equalTo(true));
    }
}

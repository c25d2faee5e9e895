package io.coursewire.inbound;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/** What an operator scrapes from /q/metrics after a few webhooks: each counted once, by outcome. */
@QuarkusTest
public class IngestMetricsTest {

    @Test
    void receivedAcceptedDuplicateAndRejectedAreCountedPerVendor() {
        String before = metrics();
        ObjectNode payload = Fixtures.json("tagmango-course-completed.json");
        payload.put("email", "metrics-" + UUID.randomUUID() + "@example.com");
        String body = Fixtures.write(payload);

        Webhooks.post("tagmango", body).then().statusCode(202);
        Webhooks.post("tagmango", body).then().statusCode(202); // the same event again: a duplicate
        given().contentType("application/json").body(body).post("/webhooks/tagmango?token=wrong").then().statusCode(401);

        String after = metrics();
        assertThat(delta(before, after, "coursewire_events_received_total{vendor=\"tagmango\"}")).isEqualTo(3);
        assertThat(delta(before, after, "coursewire_events_accepted_total{vendor=\"tagmango\"}")).isEqualTo(1);
        assertThat(delta(before, after, "coursewire_events_duplicate_total{vendor=\"tagmango\"}")).isEqualTo(1);
        assertThat(delta(before, after, "coursewire_events_rejected_total{vendor=\"tagmango\"}")).isEqualTo(1);
        assertThat(delta(before, after, "coursewire_ingest_latency_seconds_count{vendor=\"tagmango\"}")).isEqualTo(2);
        assertThat(after).contains("coursewire_queue_depth{queue=\"coursewire.events\"}");
    }

    public static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    public static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    public static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

package io.coursewire.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The stores' sizes and their oldest records' ages on /q/metrics (PRODUCT.md §10, "Visibility"), sampled
 * every 500 ms in tests (the console's live sample interval): plausible values once an event is recorded.
 */
@QuarkusTest
class RetentionMetricsTest {

    @Test
    void eachStoreShowsItsBytesAndItsOldestRecordsAge() {
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("stored-" + UUID.randomUUID() + "@example.com")).then().statusCode(202);
        String metrics = await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/metrics").then().statusCode(200).extract().asString(),
                m -> value(m, "coursewire_store_oldest_age_seconds", "record", "event") > 0);

        assertThat(value(metrics, "coursewire_store_bytes", "store", "database")).as("database bytes").isGreaterThan(0);
        assertThat(value(metrics, "coursewire_store_bytes", "store", "journal")).as("journal bytes").isGreaterThan(0);
        for (String record : new String[] { "event", "attempt", "dead_letter" }) {
            double age = value(metrics, "coursewire_store_oldest_age_seconds", "record", record);
            assertThat(age).as(record + " age").isGreaterThanOrEqualTo(0).isLessThan(Duration.ofHours(1).toSeconds());
        }
        assertThat(metrics).contains("# TYPE coursewire_store_bytes gauge").contains("# TYPE coursewire_store_oldest_age_seconds gauge");
    }

    /** The value of {@code name{tag="value"}}; NaN when it is absent. */
    static double value(String metrics, String name, String tag, String tagValue) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + tag + "=\"" + tagValue + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}

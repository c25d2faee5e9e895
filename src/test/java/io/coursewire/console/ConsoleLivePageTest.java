package io.coursewire.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The Live page of the real service: webhooks posted show as events in and as deliveries to the test
 * profile's archive target in the charts fragment, sampled every 500 ms (application.properties, %test).
 */
@QuarkusTest
class ConsoleLivePageTest {

    static final String POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Inject
    MeterRegistry registry;

    @Test
    void withoutASessionThePageAndItsChartsRedirectToSignIn() {
        for (String path : new String[] {"/console/live", "/console/live/charts"}) {
            given().redirects().follow(false).get(path).then().statusCode(303).header("Location", endsWith("/console/sign-in"));
        }
        // The script, like the style sheet, holds nothing of the service's: served to anyone, as a script.
        given().get("/console/live.js").then().statusCode(200).contentType(containsString("text/javascript"))
                .body(containsString("/console/live/charts"));
    }

    @Test
    void thePageLoadsItsScriptFromTheConsoleOnlyAndFallsBackToARefresh() {
        String session = ConsoleSecurityTest.signIn();
        Response page = given().cookie(ConsoleRouter.COOKIE, session).get("/console/live");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).isEqualTo(POLICY).doesNotContain("unsafe").doesNotContain("http");
        String html = page.asString();
        assertThat(html).contains("<script src=\"/console/live.js\" defer></script>")
                .contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>")
                .contains("<a href=\"/console/live\" accesskey=\"l\">Live</a>").contains("id=\"charts\" data-refresh-ms=\"500\"")
                .contains("<h2 id=\"events-heading\">Events in</h2>").contains("<h2 id=\"latency-heading\">Latency</h2>");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).as("no inline script").isFalse();
        assertThat(given().cookie(ConsoleRouter.COOKIE, session).get("/console/live/charts").header("Content-Security-Policy"))
                .isEqualTo(POLICY);
    }

    @Test
    void webhooksShowAsEventsInAndDeliveriesToTheTarget() {
        String session = ConsoleSecurityTest.signIn();
        // Traffic for as long as it takes: a window's rate is of its own 500 ms only.
        String charts = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Webhooks.post("tagmango", Fixtures.tagmangoCompletion("live-" + UUID.randomUUID() + "@example.com")).then().statusCode(202);
            return given().cookie(ConsoleRouter.COOKIE, session).get("/console/live/charts").then().statusCode(200).extract().asString();
        }, html -> now(html, "chart-events-accepted") > 0 && now(html, "chart-target-archive-delivered") > 0
                && now(html, "chart-ingest-latency-p50") >= 0 && now(html, "chart-delivery-latency-p99") >= 0);

        assertThat(charts).doesNotContain("<html").contains("id=\"sampled-at\"").contains("<title id=\"chart-events-title\">")
                .contains("role=\"img\" aria-labelledby=\"chart-target-archive-title chart-target-archive-desc\"")
                .containsPattern("<desc id=\"chart-target-archive-desc\">Last 90 s, one point every 500 ms\\. delivered now [0-9.]+/s\\.")
                .containsPattern("<polyline class=\"s1\" points=\"[0-9.]+,[0-9.]+");
        assertThat(now(charts, "chart-ingest-latency-p50")).isLessThanOrEqualTo(now(charts, "chart-ingest-latency-p99"));
        assertThat(charts.substring(charts.indexOf("id=\"queues\""))).as("a chart per queue").contains("<figure class=\"chart\" id=\"chart-queue-");
    }

    /** The Storage section: each store's size and its oldest record's age, with the retention that bounds it, from memory. */
    @Test
    void theStorageSectionShowsEachStoreAndItsOldestRecord() {
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("live-" + UUID.randomUUID() + "@example.com")).then().statusCode(202);
        String session = ConsoleSecurityTest.signIn();
        String charts = await().atMost(Duration.ofSeconds(20)).until(
                () -> given().cookie(ConsoleRouter.COOKIE, session).get("/console/live/charts").then().statusCode(200).extract().asString(),
                html -> html.contains("<h2 id=\"storage-heading\">Storage</h2>") && !html.contains("<td class=\"num\">—</td>"));
        assertThat(charts)
                .containsPattern("<tr id=\"store-database\"><th scope=\"row\">Database</th><td class=\"num\">[0-9.]+ (KiB|MiB|GiB)</td>")
                .containsPattern("<tr id=\"store-journal\"><th scope=\"row\">Broker journal</th><td class=\"num\">[0-9.]+ (KiB|MiB|GiB)</td>")
                .containsPattern("<tr id=\"oldest-event\"><th scope=\"row\">Oldest event record</th><td class=\"num\">[0-9]+ (s|min)")
                .contains("<td class=\"hint\">kept 30 d</td>")
                .contains("kept until replayed or deleted, at most 90 d");
    }

    /** What the sampler relies on: the timers' bucket counts are cumulative (each holds every value at or below its bound). */
    @Test
    void theLatencyHistogramsAreCumulative() {
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("live-" + UUID.randomUUID() + "@example.com")).then().statusCode(202);
        Timer timer = registry.find("coursewire.ingest.latency").tag("vendor", "tagmango").timer();
        CountAtBucket[] counts = timer.takeSnapshot().histogramCounts();
        assertThat(counts).isNotEmpty();
        for (int i = 1; i < counts.length; i++) {
            assertThat(counts[i].count()).isGreaterThanOrEqualTo(counts[i - 1].count());
        }
        assertThat(counts[counts.length - 1].count()).isLessThanOrEqualTo(timer.count()).isPositive();
    }

    /** The current value of a chart's line; -1 when it is "—" (nothing in the window) or absent. */
    static double now(String html, String lineId) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(lineId) + "\">([0-9.]+)").matcher(html);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

import io.coursewire.support.Admin;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Live page in Debian's headless Chromium (set up as {@link ConsoleBrowserTest} does): its charts
 * follow the traffic without the page being loaded again, so live.js runs under the console's
 * Content-Security-Policy. Screenshot live.png in target/console-screenshots/.
 */
@QuarkusTest
class ConsoleLiveBrowserTest extends InChromium {

    @TestHTTPResource("/console")
    URL console;

    @Test
    void theChartsFollowTheTrafficWithoutReloadingThePage() throws IOException {
        browser.get(console + "/live");
        awaitUrlEnding("/console/sign-in");
        browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");
        browser.findElement(By.linkText("Live")).click();
        awaitUrlEnding("/console/live");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Live");

        // A mark on this document, which a reload would lose, and one on the events chart, which a swap replaces.
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("document.body.setAttribute('data-loaded-once', 'yes');"
                + "document.getElementById('chart-events').setAttribute('data-drawn-first', 'yes')");
        String sampledAt = text("sampled-at");
        String eventsIn = text("chart-events-accepted");
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> !text("sampled-at").equals(sampledAt));
        assertThat(js.executeScript("return document.getElementById('chart-events').getAttribute('data-drawn-first')"))
                .as("the events chart was fetched again and swapped in").isNull();

        // Traffic until the charts show it: events in and deliveries to archive above zero, then a few seconds more to draw.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            post();
            return rate("chart-events-accepted") > 0 && rate("chart-target-archive-delivered") > 0
                    && !text("chart-ingest-latency-p99").equals("—");
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            post();
            return windowsWithEventsIn() >= 8;
        });
        assertThat(js.executeScript("return document.body.getAttribute('data-loaded-once')")).as("the same document, never reloaded")
                .isEqualTo("yes");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !text("chart-events-accepted").equals(eventsIn));
        // Read in one script: the charts are swapped every 500 ms, so an element found now may be gone a call later.
        assertThat(js.executeScript("return document.querySelectorAll('#chart-events polyline.s1').length")).isNotEqualTo(0L);
        assertThat(js.executeScript("return document.querySelector('#chart-events svg').getAttribute('aria-labelledby')"))
                .isEqualTo("chart-events-title chart-events-desc");
        // Tall enough for every chart, the latency ones at the bottom included.
        browser.manage().window().setSize(new Dimension(1400, 1500));
        screenshot("live.png");
    }

    private static void post() {
        Webhooks.post("tagmango", Fixtures.tagmangoCompletion("live-" + UUID.randomUUID() + "@example.com")).then().statusCode(202);
    }

    /** Points of the events-in line above the axis: windows that had traffic. */
    private static long windowsWithEventsIn() {
        Object n = ((JavascriptExecutor) browser).executeScript("var line = document.querySelector('#chart-events polyline.s1');"
                + "return line ? line.getAttribute('points').split(' ').filter(function (p) { return Number(p.split(',')[1]) < 84; }).length : 0;");
        return ((Number) n).longValue();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** "0.4/s" as 0.4; nothing known ("—") as 0. */
    private static double rate(String id) {
        String text = text(id);
        return text.endsWith("/s") ? Double.parseDouble(text.substring(0, text.length() - 2)) : 0;
    }
}

package io.coursewire.console;

import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.coursewire.support.Admin;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The dead letters and targets pages in Debian's headless Chromium (set up as {@link ConsoleBrowserTest}
 * does): replay a dead letter from its row and read the notice; check a broken targets file and read its
 * error. Screenshots dead-letters.png and targets.png in target/console-screenshots/.
 */
@QuarkusTest
@TestProfile(ConsolePagesTest.DeadTargets.class)
class ConsolePagesBrowserTest extends InChromium {

    @TestHTTPResource("/console")
    URL console;

    /** Each test signs in for itself. */
    @org.junit.jupiter.api.BeforeEach
    void signedOut() {
        browser.manage().deleteAllCookies();
    }

    @Test
    void anOperatorReplaysADeadLetterAndChecksATargetsFile() throws IOException {
        String eventId = ConsolePagesTest.deadLetterOf("course-nowhere", "nowhere");
        String dead = ConsolePagesTest.deadLetterId(eventId, "nowhere");

        browser.get(console + "/dead-letters");
        awaitUrlEnding("/console/sign-in");
        browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");

        // The nav leads to the dead letters; the filter narrows them to the target.
        browser.findElement(By.linkText("Dead letters")).click();
        browser.findElement(By.name("target")).sendKeys("nowhere\n");
        awaitUrlEnding("/console/dead-letters?target=nowhere");
        WebElement row = browser.findElement(By.id("dead-letter-" + dead));
        assertThat(row.getText()).contains(eventId).contains("nowhere").contains("Connection refused");
        screenshot("dead-letters.png");

        row.findElement(By.xpath(".//button[normalize-space()='Replay']")).click();
        awaitUrlEnding("/console/dead-letters?target=nowhere");
        assertThat(browser.findElement(By.cssSelector(".notice")).getText())
                .contains("Dead letter " + dead + " of event " + eventId + " replayed to nowhere");
        assertThat(browser.findElements(By.id("dead-letter-" + dead))).as("no longer waiting for a replay").isEmpty();
        assertThat(admin().get("/api/v1/dead-letters?target=nowhere&include=replayed")
                .<String>path("deadLetters.find { it.id == '" + dead + "' }.replayedAt")).isNotNull();

        // The targets: what is in force, and a broken candidate file's error.
        browser.findElement(By.linkText("Targets")).click();
        assertThat(browser.findElement(By.id("target-nowhere")).getText()).contains("http").contains("closed").contains("key=***")
                .doesNotContain("s3cret");
        WebElement yaml = browser.findElement(By.id("yaml"));
        yaml.sendKeys("targets:\n  - name: crm\n    type: http\n    url: ftp://crm.example\n");
        browser.findElement(By.xpath("//button[normalize-space()='Check']")).click();
        assertThat(browser.findElement(By.id("validation")).getText()).startsWith("Invalid:").contains("crm");
        assertThat(browser.findElement(By.id("yaml")).getAttribute("value")).contains("ftp://crm.example");
        screenshot("targets.png");
    }

    @Test
    void aDeadLetterReplayedFromTheConsoleIsDeliveredAtTheSink() throws IOException {
        var sink = io.coursewire.support.HttpSinks.server();
        sink.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/recovering")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503)));
        String eventId = ConsolePagesTest.deadLetterOf("course-recovering", "recovering");
        String dead = ConsolePagesTest.deadLetterId(eventId, "recovering");
        int failed = sink.findAll(sentTo(eventId)).size();
        assertThat(failed).as("attempts the sink refused").isGreaterThanOrEqualTo(1);

        // The subscriber is back; the operator replays from the console.
        sink.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/recovering")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(204)));
        browser.get(console + "/dead-letters?target=recovering");
        browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");
        browser.get(console + "/dead-letters?target=recovering");
        browser.findElement(By.id("dead-letter-" + dead)).findElement(By.xpath(".//button[normalize-space()='Replay']")).click();
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Dead letter " + dead + " of event " + eventId);

        // Delivered at the sink, once more than it was refused, with the event's own webhook-id; the event's page says so.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> sink.findAll(sentTo(eventId)).size() == failed + 1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() -> {
            browser.get(console + "/events/" + eventId);
            assertThat(browser.findElement(By.id("delivery-recovering")).getText()).contains("delivered").contains("204");
        });
    }

    private static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder sentTo(String eventId) {
        return com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/recovering"))
                .withHeader("webhook-id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(eventId));
    }
}

package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.coursewire.support.Admin;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in Debian's headless Chromium, driven by the Debian chromedriver (never a downloaded
 * one: no network here): sign in through the form, find an event by its id, read its attempts with
 * the email masked and then revealed, replay it to one target. Screenshots in target/console-screenshots/.
 */
@QuarkusTest
class ConsoleBrowserTest extends InChromium {

    @TestHTTPResource("/console")
    URL console;

    @Test
    void anOperatorFindsAnEventReadsItsAttemptsAndReplaysIt() throws IOException {
        String email = "browser-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = Webhooks.post("tagmango", Fixtures.tagmangoCompletion(email)).then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> Admin.admin().get("/api/v1/events/" + id).statusCode() == 200
                && Admin.admin().get("/api/v1/events/" + id).path("deliveries.size()").equals(1));

        // Signing in: a page of the console leads to the form, the form to the events.
        browser.get(console + "/events");
        awaitUrlEnding("/console/sign-in");
        WebElement token = browser.findElement(By.id("token"));
        assertThat(browser.switchTo().activeElement()).as("the token field has the focus").isEqualTo(token);
        screenshot("sign-in.png");
        token.sendKeys("not-the-token\n");
        assertThat(browser.findElement(By.cssSelector(".error")).getText()).contains("not the admin token");
        browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");
        awaitUrlEnding("/console/events");

        // The events list, filtered on the event's id.
        WebElement idFilter = browser.findElement(By.name("id"));
        idFilter.sendKeys(id + "\n");
        awaitUrlEnding("&id=" + id + "&from=&to=");
        List<WebElement> rows = browser.findElements(By.cssSelector("table.events tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("tagmango").contains("course.completed").contains("Example course");
        screenshot("events.png");

        // The event: its attempts, the email masked, then revealed.
        rows.get(0).findElement(By.linkText(id)).click();
        awaitUrlEnding("/console/events/" + id);
        String canonical = browser.findElement(By.id("canonical")).getText();
        assertThat(canonical).contains("\"email\" : \"b***@example.com\"").doesNotContain(email).contains("\"phone\" : \"***90\"");
        List<WebElement> attempts = browser.findElements(By.cssSelector("section.delivery table.attempts tbody tr"));
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).getText()).contains("delivered");
        screenshot("event.png");
        browser.findElement(By.linkText("Reveal")).click();
        assertThat(browser.findElement(By.id("canonical")).getText()).contains(email);

        // Replay to the one target: back on the event, with a notice and, soon, a second attempt.
        browser.findElement(By.xpath("//button[normalize-space()='Replay to archive']")).click();
        awaitUrlEnding("/console/events/" + id);
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Replayed to archive");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            browser.navigate().refresh();
            assertThat(browser.findElements(By.cssSelector("section.delivery table.attempts tbody tr"))).hasSize(2);
        });
        screenshot("event-replayed.png");
    }

}

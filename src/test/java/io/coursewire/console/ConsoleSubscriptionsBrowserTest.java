package io.coursewire.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.coursewire.delivery.SubscriberDeliveryTest;
import io.coursewire.support.Admin;
import io.coursewire.support.HttpSinks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The subscriptions page in Debian's headless Chromium (set up as {@link ConsoleBrowserTest} does): from
 * the nav, subscribe with the form (typed, submitted with Enter), find the row, delete it. A subscriber
 * that has had a delivery is listed meanwhile, so screenshot subscriptions.png shows a last delivery.
 */
@QuarkusTest
@TestProfile(SubscriberDeliveryTest.Subscribers.class)
class ConsoleSubscriptionsBrowserTest extends InChromium {

    @TestHTTPResource("/console")
    URL console;

    private final String marker = "browser-subs-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void anOperatorSubscribesAndUnsubscribesFromThePage() throws IOException {
        String delivered = deliveredSubscriber();
        String url = "https://203.0.113.10/" + marker + "/zap";
        try {
            browser.get(console + "/subscriptions");
            awaitUrlEnding("/console/sign-in");
            browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");

            browser.findElement(By.linkText("Subscriptions")).click();
            awaitUrlEnding("/console/subscriptions");
            assertThat(browser.findElement(By.id("subscription-" + delivered)).getText()).contains("HTTP 200").contains("delivered");

            // The form, by its labels, submitted from the keyboard.
            new Select(browser.findElement(By.xpath("//label[starts-with(normalize-space(), 'Hook')]/select[@name='event' and @id='new-event']")))
                    .selectByValue("course_enrolled");
            browser.findElement(By.id("new-url")).sendKeys(url);
            browser.findElement(By.id("new-course")).sendKeys("course-" + marker);
            browser.findElement(By.id("new-token")).sendKeys("browser-token-321");
            assertThat(browser.findElement(By.id("new-token")).getAttribute("type")).isEqualTo("password");
            assertThat(browser.findElement(By.id("new-secret")).getAttribute("type")).isEqualTo("password");
            browser.findElement(By.id("new-secret")).sendKeys(Keys.ENTER);

            String id = idOf("course_enrolled", url);
            awaitUrlEnding("/console/subscriptions?event=course_enrolled#notice");
            assertThat(browser.findElement(By.cssSelector(".notice")).getText()).isEqualTo("Subscription " + id + " to course_enrolled created");
            assertThat(browser.findElement(By.id("subscription-" + id)).getText()).contains(url).contains("course-" + marker)
                    .contains("closed").contains("—").doesNotContain("browser-token-321");
            assertThat(browser.getPageSource()).doesNotContain("browser-token-321");

            // Every hook again: both subscribers, one with a delivery, one without.
            browser.findElement(By.linkText("Clear")).click();
            assertThat(browser.findElement(By.id("subscription-" + delivered)).getText()).contains("key=***").doesNotContain("masked-in-the-list");
            WebElement row = browser.findElement(By.id("subscription-" + id));
            screenshot("subscriptions.png");

            row.findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
            awaitUrlEnding("/console/subscriptions");
            assertThat(browser.findElement(By.cssSelector(".notice")).getText()).isEqualTo("Subscription " + id + " to course_enrolled deleted");
            assertThat(browser.findElements(By.id("subscription-" + id))).isEmpty();
            assertThat(admin().get("/api/v1/rest_hooks/course_enrolled/subscriptions").<List<String>>path("id")).doesNotContain(id);
        } finally {
            admin().delete("/api/v1/rest_hooks/course_completed/subscriptions/" + delivered);
            String left = idOf("course_enrolled", url);
            if (left != null) {
                admin().delete("/api/v1/rest_hooks/course_enrolled/subscriptions/" + left);
            }
        }
    }

    /** A course_completed subscriber at the sink that has received one event; its id. */
    private String deliveredSubscriber() {
        String path = "/" + marker + "/delivered";
        // The query is the subscriber's own (and masked in the list): match on the path alone.
        HttpSinks.server().stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String course = "course-" + marker;
        String id = admin().contentType(ContentType.JSON).body(Map.of("url", HttpSinks.server().baseUrl() + path + "?key=masked-in-the-list",
                "course", course)).post("/api/v1/rest_hooks/course_completed/subscriptions").then().statusCode(201).extract().path("id");
        ConsolePagesTest.accept(course);
        await().atMost(Duration.ofSeconds(15)).until(() -> "delivered".equals(admin().get("/api/v1/rest_hooks/course_completed/subscriptions")
                .path("find { it.id == '" + id + "' }.last_delivery.outcome")));
        return id;
    }

    private static String idOf(String hook, String url) {
        return admin().get("/api/v1/rest_hooks/" + hook + "/subscriptions").path("find { it.url == '" + url + "' }.id");
    }
}

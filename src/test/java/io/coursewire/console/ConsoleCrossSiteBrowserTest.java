package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

import com.sun.net.httpserver.HttpServer;

import io.coursewire.support.Admin;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Forged requests in a real browser, signed in to the console: a page on another site (127.0.0.1, where
 * the console is on localhost) that submits a replay form by itself, and the same form without its
 * CSRF token put into a console page. Neither replays anything; the genuine button still does.
 */
@QuarkusTest
class ConsoleCrossSiteBrowserTest extends InChromium {

    @TestHTTPResource("/console")
    URL console;

    private static HttpServer otherSite;

    @BeforeAll
    static void startOtherSite() throws IOException {
        otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherSite.start();
    }

    @AfterAll
    static void stopOtherSite() {
        if (otherSite != null) {
            otherSite.stop(0);
        }
    }

    @Test
    void forgedReplaysAreRefusedAndTheGenuineOneWorks() {
        String id = Webhooks.post("tagmango", Fixtures.tagmangoCompletion("forged@example.com")).then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> archiveAttempts(id) == 1);
        String replay = console.toString().replace("127.0.0.1", "localhost") + "/events/" + id + "/replay";
        assertThat(replay).startsWith("http://localhost:");

        browser.get(console.toString().replace("127.0.0.1", "localhost") + "/sign-in");
        browser.findElement(By.id("token")).sendKeys(Admin.TEST_TOKEN + "\n");
        awaitUrlEnding("/console/events");

        // Another site's page posts the form as soon as it loads. The browser sends its Origin (and, the session
        // cookie being SameSite=Strict, not the cookie): refused before anything else is looked at.
        otherSite.createContext("/prize", exchange -> {
            byte[] page = ("<!DOCTYPE html><html><body><form method=\"post\" action=\"" + replay + "\">"
                    + "<input type=\"hidden\" name=\"target\" value=\"archive\"></form>"
                    + "<script>document.forms[0].submit()</script></body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        browser.get("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/prize");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().startsWith("http://localhost:"));
        assertThat(browser.getPageSource()).contains("Refused: this form was sent from another site");

        // Still signed in on the console itself; a form without its CSRF token, put into a console page, is refused.
        browser.get(console.toString().replace("127.0.0.1", "localhost") + "/events/" + id);
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains(id);
        ((JavascriptExecutor) browser).executeScript("var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                + "var t = document.createElement('input'); t.type = 'hidden'; t.name = 'target'; t.value = 'archive'; f.appendChild(t);"
                + "document.body.appendChild(f); f.submit();", replay);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getPageSource().contains("CSRF token is missing or wrong"));

        // The genuine button replays: one more attempt, and only one.
        browser.get(console.toString().replace("127.0.0.1", "localhost") + "/events/" + id);
        browser.findElement(By.xpath("//button[normalize-space()='Replay to archive']")).click();
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Replayed to archive");
        await().atMost(Duration.ofSeconds(15)).until(() -> archiveAttempts(id) == 2);
        assertThat(archiveAttempts(id)).as("the forged forms replayed nothing").isEqualTo(2);
    }

    private static int archiveAttempts(String id) {
        var response = Admin.admin().get("/api/v1/events/" + id);
        if (response.statusCode() != 200) {
            return 0;
        }
        Integer n = response.path("deliveries.find { it.target == 'archive' }.attempts.size()");
        return n == null ? 0 : n;
    }
}

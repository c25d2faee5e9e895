package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * Vendor routes run on the event loop: a webhook is accepted even while every worker thread is taken
 * (by slow admin calls, say). With platform-http's stock consumer each webhook needs a worker thread
 * for its whole accept, and this one would wait until a worker came free.
 */
@QuarkusTest
class EventLoopWebhooksTest {

    @Inject
    Vertx vertx;
    @Inject
    Router router;
    @ConfigProperty(name = "quarkus.thread-pool.max-threads")
    int workers;

    @Test
    void aWebhookIsAcceptedWhileEveryWorkerThreadIsBusy() throws Exception {
        CountDownLatch allBusy = new CountDownLatch(workers);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < workers; i++) {
                vertx.executeBlocking(() -> {
                    allBusy.countDown();
                    return release.await(30, TimeUnit.SECONDS);
                }, false);
            }
            assertThat(allBusy.await(10, TimeUnit.SECONDS)).as("all %d worker threads taken", workers).isTrue();

            String body = Fixtures.tagmangoCompletion("event-loop-" + System.nanoTime() + "@example.com");
            Response response = Webhooks.authentic("tagmango", body)
                    .config(io.restassured.RestAssured.config().httpClient(io.restassured.config.HttpClientConfig.httpClientConfig()
                            .setParam("http.socket.timeout", 5_000).setParam("http.connection.timeout", 5_000)))
                    .post("/webhooks/tagmango");
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
            assertThat(response.jsonPath().getBoolean("duplicate")).isFalse();
        } finally {
            release.countDown();
        }
    }

    /**
     * Vert.x tries each request against the routes in order; a route with a path parameter or a regular
     * expression costs a regex match per request that reaches it. Every vendor's route comes before all
     * of those, however the start-up happened to order Camel and the console.
     */
    @Test
    void vendorRoutesComeBeforeEveryRegexRoute() {
        List<Route> routes = router.getRoutes();
        int lastVendor = -1;
        int firstRegex = Integer.MAX_VALUE;
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (r.getPath() != null && r.getPath().startsWith(InboundEndpoints.PREFIX) && r.getPath().length() > InboundEndpoints.PREFIX.length()) {
                lastVendor = i;
            }
            if (r.isRegexPath()) {
                firstRegex = Math.min(firstRegex, i);
            }
        }
        assertThat(lastVendor).as("vendor routes on the router").isGreaterThanOrEqualTo(0);
        assertThat(firstRegex).as("regex routes on the router (the console's)").isLessThan(Integer.MAX_VALUE);
        assertThat(lastVendor).as("position of the last vendor route against the first regex route").isLessThan(firstRegex);
    }
}

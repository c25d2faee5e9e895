package io.coursewire.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.coursewire.delivery.SubscriberDeliveryTest.circuitOf;
import static io.coursewire.delivery.SubscriberDeliveryTest.completion;
import static io.coursewire.delivery.SubscriberDeliveryTest.requestsFor;
import static io.coursewire.delivery.SubscriberDeliveryTest.sink;
import static io.coursewire.delivery.SubscriberDeliveryTest.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Thousands of subscriptions are normal (§5): 1,000 subscribers of one course, one of which hangs (past
 * the 1 s timeout) and one fails. Every healthy one gets each event promptly, the process's threads do
 * not grow with the number of subscriptions, the failing one's circuit opens and its attempts thin out,
 * and once it recovers it gets every event held for it.
 */
@QuarkusTest
@TestProfile(SubscriberDeliveryTest.Subscribers.class)
class ThousandSubscribersTest {

    static final int SUBSCRIBERS = 1_000;

    @Test
    void oneHangingAndOneFailingSubscriberDelayNoneOfTheOthers() {
        String course = "course-" + UUID.randomUUID();
        String prefix = "/fan-" + course;
        sink().stubFor(post(urlPathMatching(prefix + "/ok-.*")).willReturn(aResponse().withStatus(200)));
        sink().stubFor(post(urlEqualTo(prefix + "/hanging")).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));
        sink().stubFor(post(urlEqualTo(prefix + "/failing")).willReturn(aResponse().withStatus(500)));

        subscribe("course_completed", Map.of("url", sink().baseUrl() + prefix + "/hanging", "course", course));
        String failing = subscribe("course_completed", Map.of("url", sink().baseUrl() + prefix + "/failing", "course", course));
        List<String> healthy = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            healthy.add(prefix + "/ok-" + i);
            subscribe("course_completed", Map.of("url", sink().baseUrl() + prefix + "/ok-" + i, "course", course));
        }
        String warmUp = completion(course);
        await().atMost(Duration.ofSeconds(10)).until(() -> allReceived(healthy, warmUp));
        int threadsWithTen = threads();
        Set<String> namesWithTen = threadNames();

        for (int i = 8; i < SUBSCRIBERS - 2; i++) {
            healthy.add(prefix + "/ok-" + i);
            subscribe("course_completed", Map.of("url", sink().baseUrl() + prefix + "/ok-" + i, "course", course));
        }
        long accepted = System.nanoTime();
        String event = completion(course);
        await().atMost(Duration.ofSeconds(20)).until(() -> allReceived(healthy, event));
        Duration fanOut = Duration.ofNanos(System.nanoTime() - accepted);
        System.out.printf("1,000 subscribers: the event reached all %d healthy ones in %d ms%n", healthy.size(), fanOut.toMillis());
        assertThat(fanOut).as("every healthy subscriber got the event").isLessThan(Duration.ofSeconds(20));
        Set<String> added = threadNames();
        added.removeAll(namesWithTen);
        assertThat(threads()).as("threads with 1,000 subscriptions, against %d with 10; new: %s", threadsWithTen, added).isLessThan(threadsWithTen + 8);

        // The failing one's circuit opens (3 failures); while open its attempts are the probes only.
        await().atMost(Duration.ofSeconds(10)).until(() -> circuitOf("course_completed", failing).equals("open"));
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(completion(course));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> held.stream().allMatch(id -> allReceived(healthy, id)));
        long attemptsWhileOpen = held.stream().mapToLong(id -> requestsFor(prefix + "/failing", id)).sum();
        assertThat(attemptsWhileOpen).as("attempts on the failing subscriber for 5 events held while its circuit was open")
                .isLessThan(5 * 3);

        // It recovers: every event held for it arrives.
        sink().stubFor(post(urlEqualTo(prefix + "/failing")).willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(20)).until(() -> held.stream().allMatch(id -> requestsFor(prefix + "/failing", id, 200) >= 1));
        assertThat(circuitOf("course_completed", failing)).isEqualTo("closed");
    }

    /** Every path got a POST of this event. */
    private static boolean allReceived(List<String> paths, String eventId) {
        Set<String> got = new HashSet<>();
        for (ServeEvent e : sink().getAllServeEvents()) {
            if (eventId.equals(e.getRequest().getHeader("webhook-id")) && e.getResponse().getStatus() == 200) {
                got.add(e.getRequest().getUrl());
            }
        }
        return got.containsAll(paths);
    }

    private static Set<String> threadNames() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        return names;
    }

    /**
     * Live threads of this JVM that could follow the number of subscribers: left out are the sink's own
     * (WireMock's Jetty pool, "qtp…") and the pools that follow load and shrink when idle, bounded by
     * configuration, not by subscriptions: the broker's ("ActiveMQ-…", "Thread-n (ActiveMQ-…)") and
     * the REST worker pool ("executor-thread-…", quarkus.thread-pool.max-threads).
     */
    private static int threads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (t.isAlive() && !name.startsWith("qtp") && !name.contains("ActiveMQ-") && !name.startsWith("executor-thread")) {
                n++;
            }
        }
        return n;
    }
}

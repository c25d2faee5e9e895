package io.coursewire.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.channel.Channels;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.support.EventFiles;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** A vendor retry is answered 202 "duplicate": true and is enqueued — and so routed — only once. */
@QuarkusTest
class IdempotentAcceptTest {

    @Inject
    EmbeddedBroker broker;

    private final EventFiles files = EventFiles.archive();

    private Queue events() {
        return broker.server().locateQueue(SimpleString.of(Channels.EVENTS));
    }

    private void awaitChannelDrained() {
        await().atMost(Duration.ofSeconds(20)).until(() -> events().getMessageCount() == 0 && events().getDeliveringCount() == 0);
    }

    @Test
    void aRetryIsAcknowledgedAsDuplicateAndEnqueuedOnce() throws Exception {
        String body = Fixtures.tagmangoCompletion("retry@example.com");
        long addedBefore = events().getMessagesAdded();

        String id = Webhooks.post("tagmango", body).then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        Path file = files.awaitEvent(id) == null ? null : files.filesOf(id).get(0);
        Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

        Webhooks.post("tagmango", body).then().statusCode(202).body("id", equalTo(id)).body("duplicate", equalTo(true));
        Webhooks.post("tagmango", body).then().statusCode(202).body("id", equalTo(id)).body("duplicate", equalTo(true));
        awaitChannelDrained();

        assertThat(events().getMessagesAdded() - addedBefore).as("messages enqueued").isEqualTo(1);
        assertThat(files.filesOf(id)).hasSize(1);
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).as("file not rewritten").isEqualTo(inode);
    }

    @Test
    void concurrentRetriesGetOneFirstAcceptAndTheRestDuplicates() throws Exception {
        String body = Fixtures.tagmangoCompletion("stampede@example.com");
        long addedBefore = events().getMessagesAdded();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> Webhooks.post("tagmango", body));
            }
            List<Boolean> duplicates = new ArrayList<>();
            String id = null;
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                assertThat(r.statusCode()).isEqualTo(202);
                duplicates.add(r.path("duplicate"));
                id = r.path("id");
            }
            assertThat(duplicates).containsOnlyOnce(false);
            files.awaitEvent(id);
            awaitChannelDrained();
            assertThat(events().getMessagesAdded() - addedBefore).isEqualTo(1);
            assertThat(files.filesOf(id)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameVendorEventChangedIsANewEvent() {
        String first = Webhooks.post("tagmango", Fixtures.tagmangoCompletion("change@example.com"))
                .then().statusCode(202).extract().path("id");
        ObjectNode later = Fixtures.json("tagmango-course-completed.json");
        later.put("email", "change@example.com");
        later.put("lastProgressOn", "2023-11-21T09:15Z");
        String second = Webhooks.post("tagmango", Fixtures.write(later))
                .then().statusCode(202).body("duplicate", equalTo(false)).extract().path("id");
        assertThat(second).isNotEqualTo(first);
    }
}

package io.coursewire.accept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;


import io.coursewire.channel.Channels;
import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.EmbeddedBroker;
import io.coursewire.inbound.InboundJson;
import io.coursewire.accept.Translation;
import io.coursewire.inbound.vendors.TagMangoTranslator;
import io.coursewire.support.Fixtures;
import io.coursewire.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A vendor told 503 has been told its event was not taken, and will send it again; so an accept whose
 * caller gave up waiting is dropped, not stored behind the vendor's back. Here the disk is slow on
 * purpose (the journal syncs at most once a second) and one writer commits: while it waits for a sync,
 * events wait for it, time out after 600 ms, get their 503, and must never reach the broker.
 */
@QuarkusTest
@TestProfile(AbandonedAcceptTest.SlowDisk.class)
class AbandonedAcceptTest {

    public static class SlowDisk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.broker.journal-buffer-timeout", "1s",
                    "coursewire.ingest.producers", "1",
                    "coursewire.ingest.accept-timeout", "600ms");
        }
    }

    @Inject
    EmbeddedBroker broker;
    @Inject
    DurableChannel channel;

    /** The ids the broker has committed to the events channel (its journalled duplicate-id cache). */
    private Set<String> storedIds() {
        return Set.copyOf(broker.acceptedIds(Channels.EVENTS));
    }

    private static String idOf(String body) {
        Translation translation = new TagMangoTranslator().translate(InboundJson.parse(body.getBytes(StandardCharsets.UTF_8)), name -> null);
        return ((Translation.Mapped) translation).event().id();
    }

    @Test
    void theQueueOfWritesIsBoundedInBytes() throws Exception {
        String queue = "coursewire.test.bytes";
        channel.ensureQueue(queue);
        byte[] megabyte = new byte[1024 * 1024];
        // The one writer is held by slow syncs; what waits for it may not exceed 16 MiB.
        List<CompletableFuture<Void>> sends = IntStream.range(0, 40)
                .mapToObj(i -> channel.send(List.of(new DurableChannel.Outgoing(queue, null, megabyte, Map.of(), 0)))).toList();
        long refusedAtOnce = sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertThat(refusedAtOnce).as("40 MiB offered to a 16 MiB queue").isGreaterThanOrEqualTo(40 - 17);
        assertThat(channel.waitingBytes()).isLessThanOrEqualTo(16L * 1024 * 1024);
    }

    /** Posted as a vendor does: again after each 503, until it is taken. */
    private static Response accepted(String body) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Webhooks.post("tagmango", body), r -> r.statusCode() == 202);
    }

    @Test
    void anAcceptWhoseCallerWasAnswered503IsNeverStored() throws Exception {
        String queue = "coursewire.test.held";
        channel.ensureQueue(queue);
        List<String> bodies = List.of();
        List<Response> answers = List.of();
        // Five events sent while the writer waits for a sync: those it has not taken within 600 ms are
        // answered 503. When the sync comes sooner than that (the journal's timer is not ours), again.
        for (int round = 0; round < 5 && answers.stream().noneMatch(r -> r.statusCode() == 503); round++) {
            // The writer is held: a commit has just been synced, so the next one waits for the next sync.
            // (Sent until one is stored: what the other test left may still hold the writer.)
            await().atMost(Duration.ofSeconds(30)).until(() -> channel.send(List.of(new DurableChannel.Outgoing(queue, null, new byte[1], Map.of(), 0)))
                    .handle((ok, failure) -> failure == null).get(10, TimeUnit.SECONDS));
            CompletableFuture<Void> holding = channel.send(List.of(new DurableChannel.Outgoing(queue, null, new byte[1], Map.of(), 0)));
            int r = round;
            bodies = IntStream.range(0, 5).mapToObj(i -> Fixtures.tagmangoCompletion("abandoned-" + r + "-" + i + "@example.com")).toList();
            answers = bodies.parallelStream().map(body -> Webhooks.post("tagmango", body)).toList();
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(202, 503));
            holding.handle((ok, failure) -> null).get(10, TimeUnit.SECONDS);
        }
        assertThat(answers).as("some waited behind the slow sync").anyMatch(r -> r.statusCode() == 503);
        answers.stream().filter(r -> r.statusCode() == 503).forEach(r -> assertThat(r.header("Retry-After")).isNotBlank());

        // A sixth event, stored: one writer, in order, so whatever waited before it has been dealt with.
        accepted(Fixtures.tagmangoCompletion("after@example.com"));
        Set<String> stored = storedIds();
        for (int i = 0; i < bodies.size(); i++) {
            String id = idOf(bodies.get(i));
            if (answers.get(i).statusCode() == 202) {
                assertThat(stored).as("a 202 is on the broker").contains(id);
            } else {
                assertThat(stored).as("a 503 was not stored behind the vendor's back").doesNotContain(id);
                // The vendor's retry is a first accept.
                assertThat(accepted(bodies.get(i)).jsonPath().getBoolean("duplicate")).isFalse();
                assertThat(storedIds()).contains(id);
            }
        }
    }
}

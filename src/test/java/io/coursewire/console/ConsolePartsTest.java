package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Sessions and masking on their own, without the service. */
class ConsolePartsTest {

    @Test
    void sessionsExpireAfterEightHoursAndStayBounded() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            public Instant instant() {
                return now.get();
            }

            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        ConsoleSessions sessions = new ConsoleSessions(clock);
        ConsoleSessions.Session first = sessions.create();
        assertThat(first.id).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(first.csrf);
        assertThat(sessions.find(first.id)).contains(first);
        now.set(now.get().plus(Duration.ofHours(8)));
        assertThat(sessions.find(first.id)).isEmpty();

        ConsoleSessions.Session oldest = sessions.create();
        for (int i = 0; i < ConsoleSessions.MAX_SESSIONS + 10; i++) {
            now.set(now.get().plusMillis(1));
            sessions.create();
        }
        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        assertThat(sessions.find(oldest.id)).as("the oldest gave way").isEmpty();
    }

    @Test
    void personalDataIsMaskedAtAnyDepthAndTheOriginalIsLeftAlone() throws Exception {
        JsonNode event = new ObjectMapper().readTree("""
                {"data": {"learner": {"email": "jane.doe@example.com", "phone": "+1 (555) 010-4477", "name": "Jane"},
                          "extensions": {"billing": [{"tax_id": "DE123456789", "workEmail": "j@corp.example"}]}}}""");
        JsonNode masked = PersonalData.masked(event);
        assertThat(masked.at("/data/learner/email").asText()).isEqualTo("j***@example.com");
        assertThat(masked.at("/data/learner/phone").asText()).isEqualTo("***77");
        assertThat(masked.at("/data/learner/name").asText()).isEqualTo("Jane");
        assertThat(masked.at("/data/extensions/billing/0/tax_id").asText()).isEqualTo("***");
        assertThat(masked.at("/data/extensions/billing/0/workEmail").asText()).isEqualTo("j***@corp.example");
        assertThat(event.at("/data/learner/email").asText()).isEqualTo("jane.doe@example.com");
    }
}

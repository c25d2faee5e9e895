package io.coursewire.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.coursewire.canonical.LearnerKeys;
import io.coursewire.channel.RoutedEvent;

/** The router's memory of erased learners: their events accepted before the erasure, and only theirs, only those. */
class ErasedLearnersTest {

    @Test
    void anEventAcceptedBeforeItsLearnersErasureIsErasedOneAfterIsNot() {
        ErasedLearners erased = new ErasedLearners();
        RoutedEvent jane = event("evt_1", "toolzz", "42", "Jane@Example.com", null);
        assertThat(erased.erased(jane, 1_000)).as("nobody erased yet").isFalse();

        erased.add(LearnerIdentity.byEmail("jane@example.com"), 2_000);
        assertThat(erased.erased(jane, 1_000)).isTrue();
        assertThat(erased.erased(jane, 2_001)).as("accepted after the erasure: new").isFalse();
        assertThat(erased.erased(event("evt_2", "toolzz", "7", "john@example.com", null), 1_000)).isFalse();
        // Carrying her key (a collision, forced) but someone else's event: not erased.
        assertThat(erased.erased(event("evt_3", "toolzz", "7", "john@example.com", LearnerKeys.ofEmail("jane@example.com")), 1_000)).isFalse();

        erased.add(LearnerIdentity.byLearner("toolzz", "7"), 3_000);
        assertThat(erased.erased(event("evt_4", "toolzz", "7", null, null), 2_500)).isTrue();
        assertThat(erased.erased(event("evt_5", "thinkific", "7", null, null), 2_500)).isFalse();
    }

    private static RoutedEvent event(String id, String vendor, String learnerId, String email, Long forcedEmailKey) {
        byte[] json = ErasureQueriesTest.event(id, vendor, learnerId, email == null ? "" : email);
        RoutedEvent parsed = RoutedEvent.parse(json);
        return forcedEmailKey == null ? parsed
                : new RoutedEvent(parsed.id(), parsed.vendor(), parsed.type(), parsed.time(), parsed.courseId(),
                        new LearnerKeys(forcedEmailKey, parsed.learner().learner()), json);
    }
}

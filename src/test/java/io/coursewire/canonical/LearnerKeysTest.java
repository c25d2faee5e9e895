package io.coursewire.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The keys an erasure finds a learner by: the same learner, however written, the same key; another, another. */
class LearnerKeysTest {

    @Test
    void anEmailIsKeyedWhateverItsCaseAndSpaces() {
        assertThat(LearnerKeys.ofEmail(" Jane.Doe@Example.COM ")).isEqualTo(LearnerKeys.ofEmail("jane.doe@example.com"));
        assertThat(LearnerKeys.ofEmail("jane.doe@example.com")).isNotEqualTo(LearnerKeys.ofEmail("john.doe@example.com"));
        assertThat(LearnerKeys.auditHash(LearnerKeys.emailIdentity("Jane.Doe@example.com")))
                .hasSize(64).doesNotContain("jane").isEqualTo(LearnerKeys.auditHash(LearnerKeys.emailIdentity("jane.doe@example.com")));
    }

    @Test
    void aLearnerIdCountsOnlyWithItsVendor() {
        assertThat(LearnerKeys.ofLearner("toolzz", "42")).isNotEqualTo(LearnerKeys.ofLearner("thinkific", "42"));
        assertThat(LearnerKeys.ofLearner("toolzz", "42")).isEqualTo(LearnerKeys.ofLearner("toolzz", "42"));
        // The separator keeps ("a", "bc") and ("ab", "c") apart.
        assertThat(LearnerKeys.ofLearner("a", "bc")).isNotEqualTo(LearnerKeys.ofLearner("ab", "c"));
    }

    @Test
    void aStoredEventGivesTheKeysAnErasureLooksFor() throws Exception {
        JsonNode event = CanonicalJson.MAPPER.readTree("""
                {"data": {"vendor": "toolzz", "learner": {"id": "42", "email": "Jane.Doe@example.com"}}}""");
        LearnerKeys keys = LearnerKeys.of(event);
        assertThat(keys.email()).isEqualTo(LearnerKeys.ofEmail("jane.doe@example.com"));
        assertThat(keys.learner()).isEqualTo(LearnerKeys.ofLearner("toolzz", "42"));
        assertThat(LearnerKeys.of(CanonicalJson.MAPPER.readTree("{\"data\": {\"vendor\": \"toolzz\", \"learner\": {\"email\": \" \"}}}")))
                .isEqualTo(LearnerKeys.NONE);
    }
}

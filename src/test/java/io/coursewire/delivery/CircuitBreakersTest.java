package io.coursewire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.coursewire.delivery.CircuitBreakers.Admission;
import io.coursewire.delivery.CircuitBreakers.Circuit;
import io.coursewire.delivery.CircuitBreakers.State;

/** The breaker's rules (§5), on a clock the test sets: threshold, hold until the probe, probe outcomes. */
class CircuitBreakersTest {

    final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(60));

    @Test
    void opensAfterTheThresholdOfConsecutiveFailuresOnly() {
        Circuit c = breakers.of("crm");
        c.failed(false, 0);
        c.failed(false, 0);
        c.succeeded(); // a success in between: the count starts again
        c.failed(false, 0);
        c.failed(false, 0);
        assertThat(c.state()).isEqualTo(State.CLOSED);
        assertThat(c.admit(0).go()).isTrue();
        c.failed(false, 1_000);
        assertThat(c.state()).isEqualTo(State.OPEN);
        assertThat(breakers.state("crm")).isEqualTo(State.OPEN);
    }

    @Test
    void whileOpenDeliveriesAreHeldUntilTheProbeThenOneProbesAndTheOthersWait() {
        Circuit c = tripped(1_000);
        Admission held = c.admit(30_000);
        assertThat(held.go()).isFalse();
        assertThat(held.holdUntil()).isEqualTo(61_000);

        Admission probe = c.admit(61_000);
        assertThat(probe.go()).isTrue();
        assertThat(probe.probe()).isTrue();
        assertThat(c.state()).isEqualTo(State.HALF_OPEN);
        Admission other = c.admit(61_001);
        assertThat(other.go()).as("one probe at a time").isFalse();
        assertThat(other.holdUntil()).isEqualTo(66_001);
    }

    @Test
    void theProbesSuccessClosesTheCircuitAndItsFailureOpensItForAnotherInterval() {
        Circuit c = tripped(0);
        assertThat(c.admit(60_000).probe()).isTrue();
        c.failed(true, 60_500);
        assertThat(c.state()).isEqualTo(State.OPEN);
        assertThat(c.admit(100_000).holdUntil()).isEqualTo(120_500);

        assertThat(c.admit(120_500).probe()).isTrue();
        c.succeeded();
        assertThat(c.state()).isEqualTo(State.CLOSED);
        assertThat(c.consecutiveFailures()).isZero();
        assertThat(c.admit(120_501)).isEqualTo(new Admission(true, false, 0));
    }

    @Test
    void countsByStateAndForgettingATarget() {
        tripped(0);
        breakers.of("subscription:1").succeeded();
        Circuit sub = breakers.of("subscription:2");
        for (int i = 0; i < 3; i++) {
            sub.failed(false, 0);
        }
        assertThat(breakers.counts(name -> name.startsWith("subscription:"))).containsEntry(State.OPEN, 1L).containsEntry(State.CLOSED, 1L);
        breakers.forget("subscription:2");
        assertThat(breakers.state("subscription:2")).isEqualTo(State.CLOSED);
    }

    private Circuit tripped(long now) {
        Circuit c = breakers.of("crm");
        for (int i = 0; i < 3; i++) {
            c.failed(false, now);
        }
        assertThat(c.state()).isEqualTo(State.OPEN);
        return c;
    }
}

package io.coursewire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The §6 retry schedule with its defaults: 10 s, ×3, at most 1 h, 12 attempts. */
class BackoffTest {

    final Backoff defaults = new Backoff(Duration.ofSeconds(10), 3, Duration.ofHours(1), 12);

    @Test
    void delaysGrowByTheMultiplierUntilTheCap() {
        assertThat(IntStream.rangeClosed(1, 11).mapToObj(defaults::delayAfter).map(Duration::toSeconds).toList())
                .containsExactly(10L, 30L, 90L, 270L, 810L, 2430L, 3600L, 3600L, 3600L, 3600L, 3600L);
    }

    @Test
    void theTwelfthAttemptIsTheLast() {
        assertThat(defaults.exhaustedAfter(11)).isFalse();
        assertThat(defaults.exhaustedAfter(12)).isTrue();
    }

    @Test
    void theTwelfthAttemptComesSixHoursAndFortySecondsAfterTheFirst() {
        Duration total = IntStream.rangeClosed(1, 11).mapToObj(defaults::delayAfter).reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isEqualTo(Duration.ofSeconds(10 + 30 + 90 + 270 + 810 + 2430 + 5 * 3600));
    }

    @Test
    void refusesASettingThatMakesNoSchedule() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), 0.5, Duration.ofHours(1), 12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), 3, Duration.ofSeconds(1), 12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), 3, Duration.ofHours(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

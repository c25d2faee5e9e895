package io.coursewire.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.coursewire.lifecycle.StoreSizes;

/** The Storage section's text: sizes in binary units, ages in two units at most, "—" for what is not known. */
class StorageFactsTest {

    @Test
    void sizesAndAgesReadAsAnOperatorWouldSayThem() {
        assertThat(StorageFacts.bytes(512)).isEqualTo("512 B");
        assertThat(StorageFacts.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(StorageFacts.bytes(3.5 * 1024 * 1024 * 1024)).isEqualTo("3.5 GiB");
        assertThat(StorageFacts.bytes(Double.NaN)).isEqualTo("—");
        assertThat(StorageFacts.age(40.7)).isEqualTo("40 s");
        assertThat(StorageFacts.age(725)).isEqualTo("12 min 5 s");
        assertThat(StorageFacts.age(3 * 86_400 + 4 * 3600 + 59)).isEqualTo("3 d 4 h");
        assertThat(StorageFacts.duration(Duration.ofDays(30))).isEqualTo("30 d");
        assertThat(StorageFacts.duration(Duration.ofHours(2))).isEqualTo("2 h");
    }

    @Test
    void anExternalBrokersJournalIsNotShown() {
        var sample = new StoreSizes.Sample(Instant.now(), 2048, Double.NaN, 1, 0, 0);
        assertThat(StorageFacts.of(sample, Duration.ofDays(30), Duration.ofDays(90))).extracting(StorageFacts.Fact::id)
                .containsExactly("store-database", "oldest-event", "oldest-attempt", "oldest-dead-letter");
    }
}

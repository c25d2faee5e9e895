package io.coursewire.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

import io.coursewire.canonical.LearnerKeys;

/**
 * What the erasure asks the broker and the file system: selectors the broker parses and matches as
 * meant (negative keys, the one key no literal spells, ids with quotes, many ids in chunks), and the
 * json target's file names told apart by the id they end with.
 */
class ErasureSelectorsTest {

    @Test
    void aKeySelectorMatchesThatKeyOnly() throws Exception {
        for (long key : new long[] { LearnerKeys.ofEmail("jane@example.com"), -42L, 42L, Long.MIN_VALUE, Long.MAX_VALUE }) {
            Filter filter = FilterImpl.createFilter(Erasures.keySelector("emailKey", key));
            assertThat(filter.match(message("emailKey", key))).as("key %d", key).isTrue();
            assertThat(filter.match(message("emailKey", key == Long.MAX_VALUE ? key - 1 : key + 1))).as("next to %d", key).isFalse();
            assertThat(filter.match(message("learnerKey", key))).isFalse();
        }
    }

    @Test
    void idSelectorsTakeEveryIdOnceInChunksAndQuoteThem() throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        IntStream.range(0, 250).forEach(i -> ids.add("evt_" + i));
        ids.add("evt_it's");
        var selectors = Erasures.idSelectors(ids);
        assertThat(selectors).hasSize(3);
        for (String id : ids) {
            long matching = 0;
            for (String s : selectors) {
                CoreMessage m = new CoreMessage(1, 64);
                m.putStringProperty("eventId", id);
                matching += FilterImpl.createFilter(s).match(m) ? 1 : 0;
            }
            assertThat(matching).as(id).isEqualTo(1);
        }
        CoreMessage other = new CoreMessage(1, 64);
        other.putStringProperty("eventId", "evt_9999");
        assertThat(selectors).noneMatch(s -> {
            try {
                return FilterImpl.createFilter(s).match(other);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(Erasures.idSelectors(Set.of())).isEmpty();
    }

    @Test
    void aJsonTargetsFileIsTheEventsItsNameEndsWith() {
        Set<String> ids = Set.of("evt_ab12", "evt_cd34");
        assertThat(FileTargetFiles.namesOne("20261201T100000.000000Z_tagmango_evt_ab12.json", ids)).isTrue();
        assertThat(FileTargetFiles.namesOne("20261201T100000.000000Z_tag_mango_evt_cd34.json", ids)).isTrue();
        assertThat(FileTargetFiles.namesOne("20261201T100000.000000Z_tagmango_evt_ab123.json", ids)).isFalse();
        assertThat(FileTargetFiles.namesOne("20261201T100000.000000Z_tagmango_xevt_ab12.json", ids)).isFalse();
    }

    private static CoreMessage message(String property, long value) {
        CoreMessage m = new CoreMessage(1, 64);
        m.putLongProperty(property, value);
        return m;
    }
}

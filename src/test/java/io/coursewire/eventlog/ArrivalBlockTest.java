package io.coursewire.eventlog;

import static io.coursewire.support.Properties.between;
import static io.coursewire.support.Properties.chars;
import static io.coursewire.support.Properties.list;
import static io.coursewire.support.Properties.pick;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.coursewire.support.Properties;

/**
 * The arrival block's two encodings (V14), without a database: whatever the entries, both read back
 * as they were written, and the searches over them find exactly the rows that were recorded with the
 * id or course sought.
 */
class ArrivalBlockTest {

    @Test
    void anyBlockReadsBackAsWrittenAndItsSearchesFindExactlyTheirRows() {
        Properties.check("arrival blocks", 500, ArrivalBlockTest::entries, entries -> {
            byte[] search = ArrivalBlock.search(entries);
            byte[] keys = ArrivalBlock.keys(entries);

            assertThat(ArrivalBlock.entries(search, keys)).isEqualTo(entries);
            assertThat(ArrivalBlock.ids(keys)).containsExactlyElementsOf(entries.stream().map(ArrivalBlock.Entry::id).toList());
            for (ArrivalBlock.Entry e : entries) {
                // A print may match another row too (it is a candidate); the row itself is always among them.
                assertThat(ArrivalBlock.seqsWithPrint(search, ArrivalBlock.print(e.id()))).contains(e.seq());
                if (e.courseId() != null) {
                    assertThat(ArrivalBlock.seqsOfCourse(search, e.courseId())).containsExactly(
                            entries.stream().filter(o -> e.courseId().equals(o.courseId())).mapToLong(ArrivalBlock.Entry::seq).toArray());
                }
            }
            assertThat(ArrivalBlock.seqsOfCourse(search, "no-such-course")).isEmpty();
        });
    }

    @Test
    void anEventIdTakesSixteenBytesAndDistinctIdsRarelyShareAPrint() {
        List<ArrivalBlock.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            entries.add(new ArrivalBlock.Entry(1_000 + i, String.format("evt_%032x", i), null, null, null));
        }
        // 4 bytes of size, then per entry a tag and 16 bytes, and a byte per absent key.
        assertThat(ArrivalBlock.keys(entries)).hasSize(4 + 1024 * (1 + 16 + 2));
        byte[] search = ArrivalBlock.search(entries);
        int shared = 0;
        for (ArrivalBlock.Entry e : entries) {
            shared += ArrivalBlock.seqsWithPrint(search, ArrivalBlock.print(e.id())).length - 1;
        }
        assertThat(shared).as("ids whose print another id of the block has, though they differ only in their last bits").isZero();
    }

    private static List<ArrivalBlock.Entry> entries(SplittableRandom random) {
        List<String> courses = list(random, 1, 4, r -> chars(r, 'a', 'z', 0, 12) + pick(r, "", "é", "课程"));
        long[] seq = {between(random, 1L, Long.MAX_VALUE / 4)};
        return list(random, 1, 300, r -> {
            seq[0] += pick(r, 1L, 1L, 2L, between(r, 1L, 1L << 40));
            String id = switch (between(r, 0, 2)) {
                case 0 -> String.format("evt_%016x%016x", r.nextLong(), r.nextLong());
                case 1 -> "evt_" + chars(r, 'A', 'F', 32, 32); // upper case: not the compact form
                default -> chars(r, ' ', '~', 0, 70) + pick(r, "", "ü", "😀");
            };
            return new ArrivalBlock.Entry(seq[0], id, r.nextBoolean() ? null : pick(r, courses), r.nextBoolean() ? null : r.nextLong(),
                    r.nextInt(4) == 0 ? null : r.nextLong());
        });
    }
}

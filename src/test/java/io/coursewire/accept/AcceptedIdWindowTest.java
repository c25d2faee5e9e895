package io.coursewire.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.coursewire.canonical.EventIds;

class AcceptedIdWindowTest {

    @Test
    void remembersAnIdOnceAndForgetsTheOldestWhenFull() {
        AcceptedIdWindow window = new AcceptedIdWindow(3);
        String a = EventIds.derive("tagmango", "a");
        String b = EventIds.derive("tagmango", "b");
        String c = EventIds.derive("tagmango", "c");
        String d = EventIds.derive("tagmango", "d");

        assertThat(add(window, a)).isTrue();
        assertThat(add(window, a)).isFalse();
        add(window, b);
        add(window, c);
        assertThat(window.size()).isEqualTo(3);
        add(window, d);

        assertThat(contains(window, a)).isFalse();
        assertThat(window).matches(w -> contains(w, b) && contains(w, c) && contains(w, d));
        assertThat(window.size()).isEqualTo(3);
    }

    @Test
    void idsOfAnyShapeAreKeptApart() {
        AcceptedIdWindow window = new AcceptedIdWindow(10);
        String id = EventIds.derive("thinkific", "42");
        add(window, id);
        add(window, "not-an-event-id");

        assertThat(contains(window, id.toUpperCase(java.util.Locale.ROOT))).isFalse();
        assertThat(contains(window, "evt_" + "g".repeat(32))).isFalse();
        assertThat(contains(window, "not-an-event-id")).isTrue();
        assertThat(contains(window, "not-an-event-id ")).isFalse();
    }

    /** Against a plain FIFO set: many keys through a small window exercise probing, wrap-around and removal. */
    @Test
    void behavesLikeAFifoSetOfTheLastNIds() {
        Random random = new Random(7);
        for (int capacity : new int[] { 1, 2, 5, 64, 1000 }) {
            AcceptedIdWindow window = new AcceptedIdWindow(capacity);
            Deque<String> order = new ArrayDeque<>();
            Set<String> model = new HashSet<>();
            for (int i = 0; i < 20_000; i++) {
                // A small id space makes repeats, and hence "already present", common.
                String id = randomId(random, capacity * 3);
                boolean added = add(window, id);
                assertThat(added).as("add %s (capacity %d, step %d)", id, capacity, i).isEqualTo(!model.contains(id));
                if (added) {
                    order.addLast(id);
                    model.add(id);
                    if (order.size() > capacity) {
                        model.remove(order.removeFirst());
                    }
                }
                String probe = randomId(random, capacity * 3);
                assertThat(contains(window, probe)).as("contains %s (capacity %d, step %d)", probe, capacity, i)
                        .isEqualTo(model.contains(probe));
            }
            assertThat(window.size()).isEqualTo(model.size());
        }
    }

    private static boolean add(AcceptedIdWindow window, String id) {
        return window.add(EventIds.bits(id));
    }

    private static boolean contains(AcceptedIdWindow window, String id) {
        return window.contains(EventIds.bits(id));
    }

    private static String randomId(Random random, int space) {
        int n = random.nextInt(space);
        return n % 7 == 0 ? "vendor-id-" + n : "evt_" + HexFormat.of().toHexDigits((long) n * 0x9E3779B97F4A7C15L) + "0000000000000000";
    }
}

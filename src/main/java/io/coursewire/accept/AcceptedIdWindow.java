package io.coursewire.accept;

import io.coursewire.canonical.EventIds;

/**
 * The ids of the last N accepted events, first in first out, kept as 128-bit keys in two primitive
 * arrays: about 26 bytes per id, where a String in a hash map costs about 150. At the contract's
 * 100,000 ids that is 2.6 MB of heap instead of 15, which a small heap feels as fewer full GCs.
 *
 * <p>The keys are {@link EventIds#bits}: exact for every id Coursewire derives.
 *
 * <p>Not thread-safe: {@link IdempotentReceiver} guards it.
 */
final class AcceptedIdWindow {

    private final int capacity;
    /** The ring, oldest to newest from {@link #head}: the key of position p is keys[2p], keys[2p+1]. */
    private final long[] keys;
    /** Open addressing, linear probing: ring position + 1, 0 for an empty slot. */
    private final int[] table;
    private final int mask;
    private final int shift;
    private int size;
    private int head;

    AcceptedIdWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.keys = new long[2 * capacity];
        int slots = Integer.highestOneBit(capacity) << 2; // load factor at most 1/2
        this.table = new int[slots];
        this.mask = slots - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(slots);
    }

    int size() {
        return size;
    }

    boolean contains(EventIds.Bits key) {
        return find(key.hi(), key.lo()) >= 0;
    }

    /** Adds the key, evicting the oldest when full; false (and no change) when it is already present. */
    boolean add(EventIds.Bits key) {
        long hi = key.hi();
        long lo = key.lo();
        if (find(hi, lo) >= 0) {
            return false;
        }
        if (size == capacity) {
            removeSlot(find(keys[2 * head], keys[2 * head + 1]));
        } else {
            size++;
        }
        keys[2 * head] = hi;
        keys[2 * head + 1] = lo;
        int slot = home(hi, lo);
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = head + 1;
        head = head + 1 == capacity ? 0 : head + 1;
        return true;
    }

    /** The table slot that holds the key, or -1. */
    private int find(long hi, long lo) {
        for (int slot = home(hi, lo);; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            int p = entry - 1;
            if (keys[2 * p] == hi && keys[2 * p + 1] == lo) {
                return slot;
            }
        }
    }

    /** Empties a slot and shifts later entries of its probe run back, so every key stays findable. */
    private void removeSlot(int gap) {
        int slot = gap;
        while (true) {
            slot = (slot + 1) & mask;
            int entry = table[slot];
            if (entry == 0) {
                break;
            }
            int p = entry - 1;
            int home = home(keys[2 * p], keys[2 * p + 1]);
            // The entry may move back into the gap unless its home lies cyclically in (gap, slot].
            boolean homeBetween = gap <= slot ? gap < home && home <= slot : gap < home || home <= slot;
            if (!homeBetween) {
                table[gap] = entry;
                gap = slot;
            }
        }
        table[gap] = 0;
    }

    private int home(long hi, long lo) {
        return (int) (((hi ^ lo) * 0x9E3779B97F4A7C15L) >>> shift); // Fibonacci hashing: the top bits
    }
}

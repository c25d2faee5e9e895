package io.coursewire.eventlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.coursewire.canonical.EventIds;

/**
 * What the event log is searched by, for a run of its rows (V14): the summary row that replaces the
 * log's secondary indexes. Each index entry was a B-tree insert per routed event, and H2 copies the
 * page it lands on; a block is one row per batch of events (see {@link ArrivalBlocks}), so what an
 * event costs the store is its own row. Readers scan the blocks instead of seeking an index: a
 * block's entries are compact arrays, so a lookup at 1,000,000 events reads a few megabytes.
 *
 * <p>Two encodings, kept in two tables so that a lookup by id or course never reads what the seed and
 * erasures need:
 * <ul>
 * <li>{@link #search}: the rows' seqs, a 32-bit print of each id (a match is a candidate, checked
 * against the row) and each row's course id;</li>
 * <li>{@link #keys}: each row's id and its learner keys (V10), for the Idempotent Receiver's seed and
 * for erasures.</li>
 * </ul>
 * Pure functions of the entries, so they are tested without a database.
 */
public final class ArrivalBlock {

    /** One event-log row as its block records it. */
    public record Entry(long seq, String id, String courseId, Long emailKey, Long learnerKey) {
    }

    private static final int CANONICAL_ID = 0;
    private static final int OTHER_ID = 1;
    private static final String ID_PREFIX = "evt_";

    private ArrivalBlock() {
    }

    /** The print a lookup compares: all 128 bits of the id ({@link EventIds#bits}) folded into 32. */
    public static int print(String id) {
        EventIds.Bits bits = EventIds.bits(id);
        return print(bits.hi(), bits.lo());
    }

    private static int print(long hi, long lo) {
        return 31 * Long.hashCode(hi) + Long.hashCode(lo);
    }

    /** Both encodings of a block, each id's bits worked out once. */
    public record Encoded(byte[] search, byte[] keys) {
    }

    /** Entries in seq order. */
    public static Encoded encode(List<Entry> entries) {
        int n = entries.size();
        long[] hi = new long[n];
        long[] lo = new long[n];
        boolean[] canonical = new boolean[n];
        for (int i = 0; i < n; i++) {
            String id = entries.get(i).id();
            canonical[i] = isCanonical(id);
            if (canonical[i]) {
                hi[i] = Long.parseUnsignedLong(id, ID_PREFIX.length(), ID_PREFIX.length() + 16, 16);
                lo[i] = Long.parseUnsignedLong(id, ID_PREFIX.length() + 16, ID_PREFIX.length() + 32, 16);
            } else {
                EventIds.Bits bits = EventIds.bits(id);
                hi[i] = bits.hi();
                lo[i] = bits.lo();
            }
        }
        return new Encoded(search(entries, hi, lo), keys(entries, canonical, hi, lo));
    }

    /** Entries in seq order, as both encodings keep them. */
    public static List<Entry> inSeqOrder(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::seq));
        return sorted;
    }

    /** [n][n prints][first seq, n-1 varint gaps][course dictionary][n varint course indexes, 0 for none]; entries in seq order. */
    public static byte[] search(List<Entry> entries) {
        return encode(entries).search();
    }

    private static byte[] search(List<Entry> entries, long[] hi, long[] lo) {
        Out out = new Out(entries.size() * 8 + 64);
        int n = entries.size();
        out.int32(n);
        for (int i = 0; i < n; i++) {
            out.int32(print(hi[i], lo[i]));
        }
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long seq = entries.get(i).seq();
            if (i == 0) {
                out.int64(seq);
            } else {
                out.varint(seq - previous);
            }
            previous = seq;
        }
        Map<String, Integer> courses = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.courseId() != null) {
                courses.putIfAbsent(e.courseId(), courses.size() + 1);
            }
        }
        out.varint(courses.size());
        for (String course : courses.keySet()) {
            out.string(course);
        }
        for (Entry e : entries) {
            out.varint(e.courseId() == null ? 0 : courses.get(e.courseId()));
        }
        return out.bytes();
    }

    /** [n][n ids: 16 bytes for an {@code evt_} id, else its UTF-8][n email keys][n learner keys]; same order as {@link #search}. */
    public static byte[] keys(List<Entry> entries) {
        return encode(entries).keys();
    }

    private static byte[] keys(List<Entry> entries, boolean[] canonical, long[] hi, long[] lo) {
        Out out = new Out(entries.size() * 36 + 16);
        out.int32(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            if (canonical[i]) {
                out.int8(CANONICAL_ID);
                out.int64(hi[i]);
                out.int64(lo[i]);
            } else {
                out.int8(OTHER_ID);
                out.string(entries.get(i).id());
            }
        }
        for (Entry e : entries) {
            out.optionalInt64(e.emailKey());
        }
        for (Entry e : entries) {
            out.optionalInt64(e.learnerKey());
        }
        return out.bytes();
    }

    /** The seqs of a block's rows whose id has this print: usually none, sometimes one. */
    public static long[] seqsWithPrint(byte[] search, int print) {
        ByteBuffer in = ByteBuffer.wrap(search);
        int n = in.getInt();
        int matches = 0;
        long[] found = null;
        for (int i = 0; i < n; i++) {
            if (in.getInt() == print) {
                found = found == null ? new long[] {i} : Arrays.copyOf(found, found.length + 1);
                found[matches++] = i;
            }
        }
        if (found == null) {
            return new long[0];
        }
        long[] seqs = seqs(in, n);
        for (int m = 0; m < found.length; m++) {
            found[m] = seqs[(int) found[m]];
        }
        return found;
    }

    /** The seqs of a block's rows with this course id. */
    public static long[] seqsOfCourse(byte[] search, String courseId) {
        ByteBuffer in = ByteBuffer.wrap(search);
        int n = in.getInt();
        in.position(in.position() + 4 * n);
        long[] seqs = seqs(in, n);
        int sought = 0;
        int dictionary = varint(in);
        for (int d = 1; d <= dictionary; d++) {
            if (string(in).equals(courseId)) {
                sought = d;
            }
        }
        if (sought == 0) {
            return new long[0];
        }
        long[] found = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (varint(in) == sought) {
                found[count++] = seqs[i];
            }
        }
        return Arrays.copyOf(found, count);
    }

    /** Every entry of a block, from both encodings. */
    public static List<Entry> entries(byte[] search, byte[] keys) {
        ByteBuffer s = ByteBuffer.wrap(search);
        int n = s.getInt();
        s.position(s.position() + 4 * n);
        long[] seqs = seqs(s, n);
        String[] dictionary = new String[varint(s) + 1];
        for (int d = 1; d < dictionary.length; d++) {
            dictionary[d] = string(s);
        }
        String[] courses = new String[n];
        for (int i = 0; i < n; i++) {
            courses[i] = dictionary[varint(s)];
        }
        ByteBuffer k = ByteBuffer.wrap(keys);
        if (k.getInt() != n) {
            throw new IllegalArgumentException("a block's two encodings disagree on its size");
        }
        String[] ids = ids(k, n);
        Long[] email = new Long[n];
        for (int i = 0; i < n; i++) {
            email[i] = optionalInt64(k);
        }
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(seqs[i], ids[i], courses[i], email[i], optionalInt64(k)));
        }
        return entries;
    }

    /** The ids of a block's rows, in seq order. */
    public static String[] ids(byte[] keys) {
        ByteBuffer k = ByteBuffer.wrap(keys);
        return ids(k, k.getInt());
    }

    private static String[] ids(ByteBuffer k, int n) {
        String[] ids = new String[n];
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (int i = 0; i < n; i++) {
            ids[i] = k.get() == CANONICAL_ID ? ID_PREFIX + hex.toHexDigits(k.getLong()) + hex.toHexDigits(k.getLong()) : string(k);
        }
        return ids;
    }

    /** Whether {@link EventIds#bits} of the id are the id itself, so 16 bytes hold it. */
    private static boolean isCanonical(String id) {
        if (id.length() != ID_PREFIX.length() + 32 || !id.startsWith(ID_PREFIX)) {
            return false;
        }
        for (int i = ID_PREFIX.length(); i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static long[] seqs(ByteBuffer in, int n) {
        long[] seqs = new long[n];
        for (int i = 0; i < n; i++) {
            seqs[i] = i == 0 ? in.getLong() : seqs[i - 1] + varlong(in);
        }
        return seqs;
    }

    private static int varint(ByteBuffer in) {
        return Math.toIntExact(varlong(in));
    }

    private static long varlong(ByteBuffer in) {
        long value = 0;
        for (int shift = 0;; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static String string(ByteBuffer in) {
        int length = varint(in);
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static Long optionalInt64(ByteBuffer in) {
        return in.get() == 0 ? null : in.getLong();
    }

    /** A growable big-endian buffer (not ByteArrayOutputStream: its every write takes a lock). */
    private static final class Out {

        private byte[] buffer;
        private int size;

        Out(int capacity) {
            buffer = new byte[Math.max(16, capacity)];
        }

        private void write(int b) {
            if (size == buffer.length) {
                buffer = Arrays.copyOf(buffer, size * 2);
            }
            buffer[size++] = (byte) b;
        }

        private void write(byte[] bytes, int from, int length) {
            if (size + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(size * 2, size + length));
            }
            System.arraycopy(bytes, from, buffer, size, length);
            size += length;
        }

        void int8(int v) {
            write(v);
        }

        void int32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void optionalInt64(Long v) {
            if (v == null) {
                write(0);
            } else {
                write(1);
                int64(v);
            }
        }

        /** Unsigned LEB128: seq gaps and indexes are small and never negative. */
        void varint(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("a block's entries must be in seq order");
            }
            while ((v & ~0x7fL) != 0) {
                write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            write((int) v);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            write(utf8, 0, utf8.length);
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, size);
        }
    }
}

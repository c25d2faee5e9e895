package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * How the event log is searched (V14): by scanning its arrival blocks ({@link ArrivalBlock}), which
 * hold every row's id print, course and learner keys, instead of secondary indexes that cost every
 * routed event a B-tree insert. Every seq found is a candidate: readers check the row itself, and a
 * row may be gone (purged, erased) while a block still names it.
 */
public final class ArrivalIndex {

    private static final int FETCH = 200;

    private ArrivalIndex() {
    }

    /** The seqs of the rows that may hold this event id, oldest first. */
    public static long[] seqsOf(Connection c, String id) throws SQLException {
        int print = ArrivalBlock.print(id);
        return collect(c, lookup -> ArrivalBlock.seqsWithPrint(lookup, print));
    }

    /** The seqs of the rows recorded with this course id, oldest first. */
    public static long[] seqsOfCourse(Connection c, String courseId) throws SQLException {
        return collect(c, lookup -> ArrivalBlock.seqsOfCourse(lookup, courseId));
    }

    private interface Matcher {
        long[] seqs(byte[] lookup);
    }

    private static long[] collect(Connection c, Matcher matcher) throws SQLException {
        long[] found = new long[0];
        try (PreparedStatement ps = c.prepareStatement("SELECT lookup FROM event_log_block")) {
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] seqs = matcher.seqs(rs.getBytes(1));
                    if (seqs.length > 0) {
                        int at = found.length;
                        found = Arrays.copyOf(found, at + seqs.length);
                        System.arraycopy(seqs, 0, found, at, seqs.length);
                    }
                }
            }
        }
        Arrays.sort(found);
        return found;
    }

    /** Visits every block with its entries (for erasures); returns the highest block id seen, 0 when none. */
    public static long forEachBlock(Connection c, BlockVisitor visitor) throws SQLException {
        long newest = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT b.block_id, b.lookup, i.identities FROM event_log_block b"
                + " JOIN event_log_block_ids i ON i.block_id = b.block_id")) {
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long block = rs.getLong(1);
                    newest = Math.max(newest, block);
                    visitor.visit(block, ArrivalBlock.entries(rs.getBytes(2), rs.getBytes(3)));
                }
            }
        }
        return newest;
    }

    @FunctionalInterface
    public interface BlockVisitor {
        void visit(long blockId, List<ArrivalBlock.Entry> entries) throws SQLException;
    }

    /** The ids of the blocks written after {@code blockId} (an erasure's second look: a merge moves entries into a new block). */
    public static List<Long> blocksAfter(Connection c, long blockId) throws SQLException {
        List<Long> blocks = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT block_id FROM event_log_block WHERE block_id > ?")) {
            ps.setLong(1, blockId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    blocks.add(rs.getLong(1));
                }
            }
        }
        return blocks;
    }

    /**
     * Removes a block's entries that {@code erased} matches, in the caller's transaction, locking the
     * block as a merge does; a block left empty is deleted. Returns the entries removed.
     */
    public static int removeEntries(Connection c, long blockId, Predicate<ArrivalBlock.Entry> erased) throws SQLException {
        List<ArrivalBlock.Entry> entries = lockedEntries(c, blockId);
        if (entries == null) {
            return 0;
        }
        List<ArrivalBlock.Entry> kept = entries.stream().filter(erased.negate()).toList();
        if (kept.size() == entries.size()) {
            return 0;
        }
        if (kept.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM event_log_block WHERE block_id = ?")) {
                ps.setLong(1, blockId);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement block = c.prepareStatement("UPDATE event_log_block SET entries = ?, lookup = ? WHERE block_id = ?");
                    PreparedStatement ids = c.prepareStatement("UPDATE event_log_block_ids SET identities = ? WHERE block_id = ?")) {
                ArrivalBlock.Encoded encoded = ArrivalBlock.encode(kept);
                block.setInt(1, kept.size());
                block.setBytes(2, encoded.search());
                block.setLong(3, blockId);
                block.executeUpdate();
                ids.setBytes(1, encoded.keys());
                ids.setLong(2, blockId);
                ids.executeUpdate();
            }
        }
        return entries.size() - kept.size();
    }

    /**
     * A block's entries, the block locked until the caller's transaction ends (a merge and an erasure
     * both rewrite blocks); null when the block is gone (merged, purged, emptied).
     */
    static List<ArrivalBlock.Entry> lockedEntries(Connection c, long blockId) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT lookup FROM event_log_block WHERE block_id = ? FOR UPDATE");
                PreparedStatement ids = c.prepareStatement("SELECT identities FROM event_log_block_ids WHERE block_id = ?")) {
            lock.setLong(1, blockId);
            ids.setLong(1, blockId);
            try (ResultSet lookup = lock.executeQuery(); ResultSet identities = ids.executeQuery()) {
                return lookup.next() && identities.next() ? ArrivalBlock.entries(lookup.getBytes(1), identities.getBytes(1)) : null;
            }
        }
    }

    /** The ids of the newest blocks' rows, newest first, at most {@code limit} (the Idempotent Receiver's seed). */
    public static void recentIds(Connection c, int limit, List<String> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT identities FROM event_log_block_ids ORDER BY block_id DESC")) {
            ps.setFetchSize(64);
            try (ResultSet rs = ps.executeQuery()) {
                while (into.size() < limit && rs.next()) {
                    String[] ids = ArrivalBlock.ids(rs.getBytes(1));
                    for (int i = ids.length - 1; i >= 0 && into.size() < limit; i--) {
                        into.add(ids[i]);
                    }
                }
            }
        }
    }
}

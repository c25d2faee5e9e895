package io.coursewire.eventlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log's arrival blocks (V14, {@link ArrivalBlock}): written by the event-log writer in the
 * transaction of each batch of rows, so a row is never in the log without its block entry (nor the
 * other way round), whatever crashes. Each batch first gets a small block of its own; once this
 * writer's small blocks hold {@value #BLOCK_ENTRIES} entries or number {@value #MAX_FRAGMENTS}, the
 * batch that passes the mark merges them into one, so readers scan about one block per
 * {@value #BLOCK_ENTRIES} events. A crash leaves the last small blocks unmerged, which costs a reader
 * a few rows and nothing else. Each instance merges only the small blocks it wrote.
 *
 * <p>The merge reads the small blocks back from the database (locked), not from memory: an erasure
 * may have removed entries from them since.
 */
public final class ArrivalBlocks {

    static final int BLOCK_ENTRIES = 1024;
    /** At low load every batch is a few events: merge after this many small blocks whatever their size. */
    static final int MAX_FRAGMENTS = 128;

    static final String INSERT_BLOCK = "INSERT INTO event_log_block (first_seq, last_seq, entries, lookup) VALUES (?, ?, ?, ?)";
    static final String INSERT_IDS = "INSERT INTO event_log_block_ids (block_id, identities) VALUES (?, ?)";

    /** Touched only by the writer thread. */
    private final List<Long> fragments = new ArrayList<>();
    private int fragmentEntries;

    /** Writes the entries of a batch (any order); returns what to remember once the transaction commits. */
    Runnable write(Connection c, List<ArrivalBlock.Entry> batch) throws SQLException {
        if (fragmentEntries + batch.size() < BLOCK_ENTRIES && fragments.size() < MAX_FRAGMENTS) {
            long id = insert(c, ArrivalBlock.inSeqOrder(batch));
            return () -> {
                fragments.add(id);
                fragmentEntries += batch.size();
            };
        }
        List<ArrivalBlock.Entry> merged = new ArrayList<>(fragmentEntries + batch.size());
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM event_log_block WHERE block_id = ?")) {
            for (long fragment : fragments) {
                List<ArrivalBlock.Entry> entries = ArrivalIndex.lockedEntries(c, fragment);
                if (entries != null) { // null: purged by retention, or emptied by erasures
                    merged.addAll(entries);
                }
                delete.setLong(1, fragment);
                delete.executeUpdate();
            }
        }
        merged.addAll(batch);
        insert(c, ArrivalBlock.inSeqOrder(merged));
        return () -> {
            fragments.clear();
            fragmentEntries = 0;
        };
    }

    /** Inserts a block of entries in seq order; returns its id. */
    public static long insert(Connection c, List<ArrivalBlock.Entry> entries) throws SQLException {
        ArrivalBlock.Encoded encoded = ArrivalBlock.encode(entries);
        long blockId;
        try (PreparedStatement ps = c.prepareStatement(INSERT_BLOCK, new String[] {"block_id"})) {
            ps.setLong(1, entries.get(0).seq());
            ps.setLong(2, entries.get(entries.size() - 1).seq());
            ps.setInt(3, entries.size());
            ps.setBytes(4, encoded.search());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                blockId = keys.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_IDS)) {
            ps.setLong(1, blockId);
            ps.setBytes(2, encoded.keys());
            ps.executeUpdate();
        }
        return blockId;
    }
}

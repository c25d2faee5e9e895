package io.coursewire.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

/**
 * Appends whole records (lines) to files, safely under concurrent deliveries and crashes. Records of
 * one file end with one {@code terminator} that appears nowhere else in them (LF for ndjson, CRLF for
 * csv, see {@link CsvFormat}); a file may have a {@code header}, written first when it is new or empty.
 *
 * <ul>
 * <li><b>No interleaving.</b> Appends to one file are serialized within the process (a lock per path,
 * kept for the life of the process), and each record is one write at the end of the file: the file is
 * opened with {@code APPEND} and the write repeated until the buffer is out. A new file's header and
 * first record are one write as well. Only this process writes the files.</li>
 * <li><b>No torn records.</b> A crash (kill -9, a full disk) may leave the file ending in part of a
 * record. That record's delivery was not acknowledged, so it will come again; the part must go, or the
 * next record would be glued onto it. Before the first append to a file in this process, and after any
 * failed write, a file that is not empty and does not end with the terminator is truncated back to just
 * after its last terminator (to empty if it has none; a csv file is then given its header again). The
 * tail looked at is bounded ({@link #MAX_TORN_TAIL}, far more than one record): a file whose last
 * terminator is further back than that was not torn by this service, and is refused rather than cut
 * (the delivery fails and is retried; an operator moves the file away).</li>
 * <li><b>Fast.</b> What was checked is remembered per path; an append is an open, one {@code fstat}
 * (is it empty: header), one write and a close. The file is opened per append rather than kept open, so
 * an operator may move or compress a finished file at any time: the next append starts a new one.</li>
 * <li><b>No fsync.</b> A record is handed to the operating system before the delivery is acknowledged,
 * so a killed process loses nothing; a power loss or kernel crash may lose the last records written in
 * the seconds before it, as the {@code json} format's files may be. Forcing every append to disk would
 * cost a disk flush per event, serialized per file.</li>
 * </ul>
 */
public final class LineAppender {

    private static final Logger LOG = Logger.getLogger(LineAppender.class);

    /** The longest torn tail removed; a canonical event, as a record, is far shorter (its body is at most 1 MB). */
    static final long MAX_TORN_TAIL = 16L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    private final byte[] terminator;
    private final byte[] header;
    private final ConcurrentHashMap<Path, FileState> files = new ConcurrentHashMap<>();

    /** What this process knows of one file; guarded by itself. */
    private static final class FileState {
        /** The file's end was checked (and repaired) since the process started or since the last failed write. */
        boolean checked;
    }

    /**
     * @param terminator ends every record, and appears nowhere else in one
     * @param header written first into a new or empty file, ending with the terminator; null for none
     */
    public LineAppender(byte[] terminator, byte[] header) {
        if (terminator.length == 0 || (header != null && !endsWith(header, terminator))) {
            throw new IllegalArgumentException("a header must end with the terminator");
        }
        this.terminator = terminator.clone();
        this.header = header == null ? null : header.clone();
    }

    /** Appends one record, which must end with the terminator; creates the file (not its directory) if needed. */
    public void append(Path file, byte[] record) throws IOException {
        if (!endsWith(record, terminator)) {
            throw new IllegalArgumentException("a record must end with the terminator");
        }
        Path path = file.toAbsolutePath().normalize();
        FileState state = files.computeIfAbsent(path, p -> new FileState());
        synchronized (state) {
            try {
                if (!state.checked) {
                    repair(path);
                    state.checked = true;
                }
                write(path, record, state);
            } catch (IOException | RuntimeException e) {
                state.checked = false;
                throw e;
            }
        }
    }

    private void write(Path path, byte[] record, FileState state) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long before = channel.size();
            ByteBuffer buffer;
            if (before == 0 && header != null) {
                buffer = ByteBuffer.allocate(header.length + record.length).put(header).put(record).flip();
            } else {
                buffer = ByteBuffer.wrap(record);
            }
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                // Whatever part was written goes now if it can; otherwise the next append's check removes it.
                try {
                    channel.truncate(before);
                } catch (IOException notNow) {
                    e.addSuppressed(notNow);
                }
                throw e;
            }
        }
    }

    /** Cuts a torn last record off {@code path}, if it ends in one. */
    void repair(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0 || endsWith(channel, size)) {
                return;
            }
            long keep = afterLastTerminator(channel, size);
            if (keep < 0) {
                throw new IOException(path.getFileName() + " does not end with a whole record, and has none in its last "
                        + MAX_TORN_TAIL + " bytes: not written by this service, not truncated; move it away");
            }
            channel.truncate(keep);
            LOG.warnf("%s ended in part of a record (%d bytes, a write cut off by a crash; its delivery was not acknowledged and "
                    + "comes again): removed", path, size - keep);
        }
    }

    private boolean endsWith(FileChannel channel, long size) throws IOException {
        if (size < terminator.length) {
            return false;
        }
        byte[] tail = read(channel, size - terminator.length, terminator.length);
        return Arrays.equals(tail, terminator);
    }

    /**
     * The position just after the last terminator, 0 when there is none and the file is within
     * {@link #MAX_TORN_TAIL}, -1 when there is none in that many bytes of a longer file.
     */
    private long afterLastTerminator(FileChannel channel, long size) throws IOException {
        long floor = Math.max(0, size - MAX_TORN_TAIL - terminator.length);
        long high = size;
        while (high > floor) {
            long low = Math.max(floor, high - CHUNK);
            byte[] chunk = read(channel, low, (int) (high - low));
            for (int i = chunk.length - terminator.length; i >= 0; i--) {
                if (matchesAt(chunk, i, terminator)) {
                    return low + i + terminator.length;
                }
            }
            if (low == floor) {
                break;
            }
            high = low + terminator.length - 1; // overlap: a terminator across two chunks is found
        }
        return floor == 0 ? 0 : -1;
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file shrank while read");
            }
        }
        return buffer.array();
    }

    private static boolean matchesAt(byte[] bytes, int at, byte[] what) {
        for (int j = 0; j < what.length; j++) {
            if (bytes[at + j] != what[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length && matchesAt(bytes, bytes.length - suffix.length, suffix);
    }
}

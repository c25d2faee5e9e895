import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * What the disk gives a group commit, with nothing else running: append BYTES, fdatasync, COUNT times
 * (the broker journal's pattern), and print the sync latency's percentiles. A durable accept waits for
 * one such sync, so its p99 cannot be below this one's.
 *
 *   java bench/FsyncProbe.java [DIR] [COUNT] [BYTES]     # defaults: data, 3000, 32768
 */
public class FsyncProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "data");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 32768;
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
        long[] nanos = new long[count];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(bytes);
            for (int i = 0; i < count; i++) {
                block.clear();
                ch.write(block);
                long t0 = System.nanoTime();
                ch.force(false);
                nanos[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("fdatasync after %d-byte appends, %d times: p50 %.2f ms, p90 %.2f, p99 %.2f, max %.2f%n", bytes, count,
                nanos[count / 2] / 1e6, nanos[count * 9 / 10] / 1e6, nanos[count * 99 / 100] / 1e6, nanos[count - 1] / 1e6);
    }
}

package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.support.Rfc4180;

/** Appending records to real files: concurrent writers never interleave, a torn last record is removed, csv has one header. */
class LineAppenderTest {

    static final int THREADS = 8;
    static final int PER_THREAD = 500;
    static final byte[] LF = { '\n' };
    static final byte[] CRLF = { '\r', '\n' };
    static final byte[] CSV_HEADER = CsvFormat.HEADER.getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void eightConcurrentWritersLeaveEveryLineWholeExactlyOnce() throws Exception {
        LineAppender appender = new LineAppender(LF, null);
        Path file = dir.resolve("2024-03-01.ndjson");
        // Lines of varied length, some long enough that a torn or interleaved write would show.
        race(t -> i -> ("{\"id\":\"t" + t + "-" + i + "\",\"pad\":\"" + "x".repeat((i * 37 + t * 101) % 3000) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8), appender, file);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(THREADS * PER_THREAD);
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            JsonNode json = CanonicalJson.MAPPER.readTree(line); // fails on a torn or interleaved line
            assertThat(ids.add(json.path("id").asText())).as("once: %s", json.path("id")).isTrue();
        }
        assertThat(ids).containsAll(expectedIds());
        assertThat(Files.readString(file)).endsWith("}\n");
    }

    @Test
    void eightWritersRacingToCreateACsvFileWriteTheHeaderExactlyOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            LineAppender appender = new LineAppender(CRLF, CSV_HEADER);
            Path file = dir.resolve("race-" + round + ".csv");
            race(t -> i -> ("2024-03-01T00:00:00Z,course.completed,v,c,\"a, \"\"title\"\"\nof two lines\",,,,,true,,,t" + t + "-" + i
                    + "\r\n").getBytes(StandardCharsets.UTF_8), appender, file);

            List<List<String>> records = Rfc4180.parse(Files.readString(file, StandardCharsets.UTF_8));
            assertThat(records.get(0)).isEqualTo(CsvFormat.COLUMNS);
            assertThat(records).hasSize(1 + THREADS * PER_THREAD);
            Set<String> ids = new HashSet<>();
            for (List<String> record : records.subList(1, records.size())) {
                assertThat(record).hasSize(13);
                assertThat(record.get(4)).isEqualTo("a, \"title\"\nof two lines");
                assertThat(ids.add(record.get(12))).isTrue();
            }
            assertThat(ids).containsAll(expectedIds());
        }
    }

    @Test
    void aHalfLineLeftByACrashIsRemovedAndTheNextAppendStartsOnItsOwnLine() throws Exception {
        Path file = dir.resolve("torn.ndjson");
        Files.writeString(file, "{\"id\":\"x\"");

        new LineAppender(LF, null).append(file, "{\"id\":\"a\"}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("{\"id\":\"a\"}\n");
    }

    @Test
    void aTornTailAfterWholeLinesIsRemovedAndTheWholeLinesKept() throws Exception {
        Path file = dir.resolve("torn-after.ndjson");
        Files.writeString(file, "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"x\",\"da");

        LineAppender appender = new LineAppender(LF, null);
        appender.append(file, "{\"id\":\"3\"}\n".getBytes(StandardCharsets.UTF_8));
        appender.append(file, "{\"id\":\"4\"}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readAllLines(file)).containsExactly("{\"id\":\"1\"}", "{\"id\":\"2\"}", "{\"id\":\"3\"}", "{\"id\":\"4\"}");
    }

    @Test
    void aTornLineLongerThanAReadChunkIsFoundAndRemoved() throws Exception {
        Path file = dir.resolve("long-torn.ndjson");
        Files.writeString(file, "{\"id\":\"1\"}\n{\"id\":\"x\",\"pad\":\"" + "y".repeat(200_000));

        new LineAppender(LF, null).append(file, "{\"id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readAllLines(file)).containsExactly("{\"id\":\"1\"}", "{\"id\":\"2\"}");
    }

    @Test
    void aCsvRowCutAfterALineBreakInsideQuotesIsRemoved() throws Exception {
        Path file = dir.resolve("torn.csv");
        // The cut fell after the LF inside a quoted title: the file ends with LF, yet not with a whole record.
        Files.writeString(file, CsvFormat.HEADER + "t,course.completed,v,c,x,,,,,true,,,e1\r\n" + "t,course.completed,v,c,\"two\n");

        new LineAppender(CRLF, CSV_HEADER).append(file, "t,course.completed,v,c,y,,,,,true,,,e2\r\n".getBytes(StandardCharsets.UTF_8));

        List<List<String>> records = Rfc4180.parse(Files.readString(file));
        assertThat(records).extracting(r -> r.get(12)).containsExactly("event_id", "e1", "e2");
    }

    @Test
    void aCsvFileCutInsideItsHeaderGetsTheHeaderOnce() throws Exception {
        Path file = dir.resolve("torn-header.csv");
        Files.writeString(file, "time,type,ven");

        new LineAppender(CRLF, CSV_HEADER).append(file, "t,course.completed,v,c,y,,,,,true,,,e1\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo(CsvFormat.HEADER + "t,course.completed,v,c,y,,,,,true,,,e1\r\n");
    }

    @Test
    void theEndIsCheckedOnceNotAtEveryAppendButAgainAfterAFailure() throws Exception {
        Path file = dir.resolve("checked.ndjson");
        LineAppender appender = new LineAppender(LF, null);
        appender.append(file, "{\"id\":\"1\"}\n".getBytes(StandardCharsets.UTF_8));
        // Another writer's half line appears behind this process's back: not looked for at every append...
        Files.writeString(file, "{\"half\":", java.nio.file.StandardOpenOption.APPEND);
        appender.append(file, "{\"id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("{\"id\":\"1\"}\n{\"half\":{\"id\":\"2\"}\n");

        // ...but after a failed append the next one checks again: here the path is briefly a directory.
        Files.delete(file);
        Files.createDirectory(file);
        assertThatThrownBy(() -> appender.append(file, "{\"id\":\"3\"}\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        Files.delete(file);
        Files.writeString(file, "{\"id\":\"1\"}\n{\"half\":");
        appender.append(file, "{\"id\":\"3\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"3\"}\n");
    }

    @Test
    void aRecordMustEndWithTheTerminator() {
        LineAppender appender = new LineAppender(CRLF, CSV_HEADER);
        assertThatThrownBy(() -> appender.append(dir.resolve("x.csv"), "a,b\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ------------------------------------------------------------------------------

    interface Lines {
        java.util.function.IntFunction<byte[]> of(int thread);
    }

    /** THREADS writers, released together, each appending PER_THREAD records. */
    private void race(Lines lines, LineAppender appender, Path file) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Void>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            java.util.function.IntFunction<byte[]> line = lines.of(t);
            Callable<Void> writer = () -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < PER_THREAD; i++) {
                    appender.append(file, line.apply(i));
                }
                return null;
            };
            writers.add(pool.submit(writer));
        }
        for (Future<Void> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    private static Set<String> expectedIds() {
        Set<String> ids = new HashSet<>();
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                ids.add("t" + t + "-" + i);
            }
        }
        return ids;
    }
}

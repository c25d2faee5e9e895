package io.coursewire.erasure;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * The files of the file targets that hold any of some events: listed for the operator, never opened
 * for writing. A {@code json} target's file holds one event and names it ({@code <time>_<vendor>_<id>.json}),
 * so its name is enough; an {@code ndjson} or {@code csv} file is read line by line, never whole, and
 * left at its first match. Files still being written ({@code .inflight-}) and subdirectories are skipped.
 */
final class FileTargetFiles {

    private static final Logger LOG = Logger.getLogger(FileTargetFiles.class);

    record Listing(List<String> files, boolean truncated) {
    }

    private FileTargetFiles() {
    }

    /** At most {@code most} files, in the order of the directories given. */
    static Listing holding(Collection<Path> directories, Set<String> eventIds, int most) {
        List<String> files = new ArrayList<>();
        if (eventIds.isEmpty()) {
            return new Listing(files, false);
        }
        for (Path directory : new LinkedHashSet<>(directories)) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path file : entries) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(".inflight-") || !Files.isRegularFile(file)) {
                        continue;
                    }
                    if (name.endsWith(".json") ? namesOne(name, eventIds) : holdsOne(file, eventIds)) {
                        if (files.size() == most) {
                            return new Listing(files, true);
                        }
                        files.add(file.toString());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Listed as far as it could be read; the operator is told by the log which directory, never which learner.
                LOG.warnf("Erasure: file target directory %s could not be read to the end (%s)", directory, e.toString());
            }
        }
        return new Listing(files, false);
    }

    /** {@code <time>_<vendor>_<id>.json}: some {@code _<id>.json} ending is one of the ids. */
    static boolean namesOne(String name, Set<String> eventIds) {
        String stem = name.substring(0, name.length() - ".json".length());
        for (int i = stem.indexOf('_'); i >= 0; i = stem.indexOf('_', i + 1)) {
            if (eventIds.contains(stem.substring(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsOne(Path file, Set<String> eventIds) throws IOException {
        // Malformed bytes are replaced, not fatal: an operator's file may hold anything.
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader lines = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line; (line = lines.readLine()) != null;) {
                for (String id : eventIds) {
                    if (line.contains(id)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

package io.coursewire.targets;

import java.io.IOException;
import java.util.Arrays;

import io.coursewire.canonical.CanonicalJson;

/**
 * The {@code ndjson} file format (§4): each event is one line, the canonical JSON exactly as it is
 * delivered, then LF. That JSON is written compact by {@link CanonicalJson} (no indentation, control
 * characters in strings escaped), so it holds no CR or LF; should a JSON ever hold one (whitespace
 * between tokens), it is written again compact, same content, so that a line is always one line.
 */
public final class NdjsonFormat {

    /** Ends every line. */
    public static final byte[] LINE_END = { '\n' };

    private NdjsonFormat() {
    }

    /** The event's line: its JSON, on one line, and LF. */
    public static byte[] line(byte[] json) throws IOException {
        byte[] oneLine = json;
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                oneLine = CanonicalJson.MAPPER.writeValueAsBytes(CanonicalJson.MAPPER.readTree(json));
                break;
            }
        }
        byte[] line = Arrays.copyOf(oneLine, oneLine.length + 1);
        line[oneLine.length] = '\n';
        return line;
    }
}

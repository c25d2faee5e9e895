package io.coursewire.targets;

import java.util.List;
import java.util.Map;

/**
 * Writes each event into {@code directory} as {@code format}: {@code json}, one file per event,
 * {@code <time>_<vendor>_<id>.json}, written atomically; {@code ndjson}, one line per event appended to
 * {@code <yyyy-MM-dd>.ndjson}; {@code csv}, one row per event appended to {@code <yyyy-MM-dd>.csv}
 * (see {@link FileTargetKind}).
 */
public record FileTarget(String name, Filters filters, String directory, String format) implements Target {

    public static final String FORMAT_JSON = "json";
    public static final String FORMAT_NDJSON = "ndjson";
    public static final String FORMAT_CSV = "csv";
    /** The values of {@code format:}, the default first. */
    public static final List<String> FORMATS = List.of(FORMAT_JSON, FORMAT_NDJSON, FORMAT_CSV);

    @Override
    public String type() {
        return FileTargetKind.TYPE;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> described = Target.describeCommon(this);
        described.put("directory", directory);
        described.put("format", format);
        return described;
    }
}

package io.coursewire.targets;

import java.util.Map;

/** Writes each event as one JSON file, {@code <time>_<vendor>_<id>.json}, atomically, into {@code directory}. */
public record FileTarget(String name, Filters filters, String directory, String format) implements Target {

    public static final String FORMAT_JSON = "json";

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

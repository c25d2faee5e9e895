package io.coursewire.targets;

/** Writes each event as one JSON file, {@code <time>_<vendor>_<id>.json}, atomically, into {@code directory}. */
public record FileTarget(String name, Filters filters, String directory, String format) implements Target {

    public static final String FORMAT_JSON = "json";
}

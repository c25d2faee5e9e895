package io.coursewire.targets;

import java.util.Set;

/** {@code type: file}: {@code directory} (required) and {@code format} ({@code json}, the default). */
public final class FileTargetKind implements TargetKind {

    /** The value of {@code type:} for this kind. */
    public static final String TYPE = "file";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> keys() {
        return Set.of("directory", "format");
    }

    @Override
    public Target read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException {
        String directory = entry.text("directory", true);
        String format = entry.node().has("format") ? entry.text("format", true) : FileTarget.FORMAT_JSON;
        if (!FileTarget.FORMAT_JSON.equals(format)) {
            throw entry.invalid("format '" + format + "' is not supported (supported: json)");
        }
        return new FileTarget(entry.name(), filters, directory, format);
    }
}

package io.coursewire.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads and validates {@code config/targets.yaml}. Validation is all-or-nothing: one bad entry
 * refuses the file, with a message naming the entry and the key.
 */
public final class TargetsFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    private static final Set<String> EVENT_TYPES = Set.of("course.enrolled", "course.progressed", "course.completed");
    private static final Set<String> COMMON_KEYS = Set.of("name", "type", "types", "vendors", "courses");
    private static final Map<String, Set<String>> KEYS_BY_TYPE = Map.of(
            "file", Set.of("directory", "format"));

    private TargetsFile() {
    }

    public static List<Target> read(Path file) throws InvalidTargetsException {
        if (!Files.exists(file)) {
            throw new InvalidTargetsException("targets file " + file + " does not exist");
        }
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidTargetsException("targets file " + file + " cannot be read: " + e.getMessage());
        }
    }

    public static List<Target> parse(String yaml) throws InvalidTargetsException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new InvalidTargetsException("not valid YAML: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of();
        }
        JsonNode list = root.get("targets");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new InvalidTargetsException("'targets' must be a list");
        }
        List<Target> targets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = "targets[" + index++ + "]";
            Target target = target(entry, where);
            if (!names.add(target.name())) {
                throw new InvalidTargetsException(where + ": duplicate name '" + target.name() + "'");
            }
            targets.add(target);
        }
        return List.copyOf(targets);
    }

    private static Target target(JsonNode entry, String where) throws InvalidTargetsException {
        if (!entry.isObject()) {
            throw new InvalidTargetsException(where + " must be a mapping");
        }
        String name = text(entry, "name", where, true);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidTargetsException(where + ": name '" + name + "' must match [a-z0-9-]+");
        }
        where = where + " (" + name + ")";
        String type = text(entry, "type", where, true);
        Set<String> typeKeys = KEYS_BY_TYPE.get(type);
        if (typeKeys == null) {
            throw new InvalidTargetsException(where + ": unknown type '" + type + "' (known: " + KEYS_BY_TYPE.keySet() + ")");
        }
        for (Iterator<String> keys = entry.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!COMMON_KEYS.contains(key) && !typeKeys.contains(key)) {
                throw new InvalidTargetsException(where + ": unknown key '" + key + "' for a " + type + " target");
            }
        }
        Target.Filters filters = new Target.Filters(
                strings(entry, "types", where, EVENT_TYPES), strings(entry, "vendors", where, null), strings(entry, "courses", where, null));
        return switch (type) {
            case "file" -> fileTarget(entry, where, name, filters);
            default -> throw new IllegalStateException(type);
        };
    }

    private static FileTarget fileTarget(JsonNode entry, String where, String name, Target.Filters filters)
            throws InvalidTargetsException {
        String directory = text(entry, "directory", where, true);
        String format = entry.has("format") ? text(entry, "format", where, true) : FileTarget.FORMAT_JSON;
        if (!FileTarget.FORMAT_JSON.equals(format)) {
            throw new InvalidTargetsException(where + ": format '" + format + "' is not supported (supported: json)");
        }
        return new FileTarget(name, filters, directory, format);
    }

    private static String text(JsonNode entry, String key, String where, boolean required) throws InvalidTargetsException {
        JsonNode v = entry.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidTargetsException(where + ": '" + key + "' is required");
            }
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw new InvalidTargetsException(where + ": '" + key + "' must be a non-empty string");
        }
        return v.asText().trim();
    }

    private static Set<String> strings(JsonNode entry, String key, String where, Set<String> allowed)
            throws InvalidTargetsException {
        JsonNode v = entry.get(key);
        if (v == null || v.isNull()) {
            return Set.of();
        }
        if (!v.isArray()) {
            throw new InvalidTargetsException(where + ": '" + key + "' must be a list");
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode item : v) {
            if (!item.isValueNode()) {
                throw new InvalidTargetsException(where + ": '" + key + "' must list strings");
            }
            String s = item.asText().trim();
            if (allowed != null && !allowed.contains(s)) {
                throw new InvalidTargetsException(where + ": '" + key + "' has unknown value '" + s + "' (known: " + allowed + ")");
            }
            values.add(s);
        }
        return Set.copyOf(values);
    }
}

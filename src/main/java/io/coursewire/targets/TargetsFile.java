package io.coursewire.targets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads and validates {@code config/targets.yaml}. Validation is all-or-nothing: one bad entry
 * refuses the file, with a message naming the entry and the key. The common keys are read here; each
 * kind's own keys by its {@link TargetKind}.
 */
@Singleton
public class TargetsFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    /**
     * A name is stored with every delivery attempt and dead letter: a column of 128 characters, and the
     * dead letter's key {@code <event id>/<name>/<generation>} of 200 (36 + 1 + 100 + 1 + 38 for a
     * replay's generation = 176). A longer name would make every dead letter of the target unstorable.
     */
    static final int MAX_NAME_LENGTH = 100;
    private static final Set<String> EVENT_TYPES = Set.of("course.enrolled", "course.progressed", "course.completed");
    private static final Set<String> COMMON_KEYS = Set.of("name", "type", "types", "vendors", "courses", "when");
    private final TargetKinds kinds;
    private final CamelContext camel;

    @Inject
    public TargetsFile(TargetKinds kinds, CamelContext camel) {
        this.kinds = kinds;
        this.camel = camel;
    }

    public List<Target> parse(String yaml) throws InvalidTargetsException {
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

    private Target target(JsonNode entry, String where) throws InvalidTargetsException {
        if (!entry.isObject()) {
            throw new InvalidTargetsException(where + " must be a mapping");
        }
        String name = new TargetEntry(entry, where, null).text("name", true);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidTargetsException(where + ": name '" + name + "' must match [a-z0-9-]+");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidTargetsException(where + ": 'name' must be at most " + MAX_NAME_LENGTH + " characters (it has "
                    + name.length() + ")");
        }
        where = where + " (" + name + ")";
        TargetEntry read = new TargetEntry(entry, where, name);
        String type = read.text("type", true);
        TargetKind<?> kind = kinds.forType(type);
        if (kind == null) {
            throw read.invalid("unknown type '" + type + "' (known: " + kinds.types() + ")");
        }
        for (Iterator<String> keys = entry.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!COMMON_KEYS.contains(key) && !kind.keys().contains(key)) {
                throw read.invalid("unknown key '" + key + "' for a " + type + " target");
            }
        }
        Target.Filters filters = new Target.Filters(
                read.strings("types", EVENT_TYPES), read.strings("vendors", null), read.strings("courses", null), when(read));
        return kind.read(read, filters);
    }

    /** {@code when: {simple: "..."}} or {@code when: {jsonpath: "..."}}, compiled now. */
    private Optional<When> when(TargetEntry entry) throws InvalidTargetsException {
        JsonNode when = entry.node().get("when");
        if (when == null || when.isNull()) {
            return Optional.empty();
        }
        if (!when.isObject() || when.size() != 1) {
            throw entry.invalid("'when' must have exactly one of " + new java.util.TreeSet<>(When.LANGUAGES)
                    + ", e.g. when: {simple: \"${body[data][result][passed]} == true\"}");
        }
        String language = when.fieldNames().next();
        if (!When.LANGUAGES.contains(language)) {
            throw entry.invalid("'when' language '" + language + "' is not supported (supported: "
                    + new java.util.TreeSet<>(When.LANGUAGES) + ")");
        }
        JsonNode expression = when.get(language);
        if (!expression.isTextual() || expression.asText().isBlank()) {
            throw entry.invalid("'when' " + language + " must be a non-empty string");
        }
        try {
            return Optional.of(When.compile(camel, language, expression.asText()));
        } catch (IllegalArgumentException e) {
            throw entry.invalid("'when' " + language + " predicate does not compile: " + e.getMessage());
        }
    }
}

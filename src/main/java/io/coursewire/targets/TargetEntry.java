package io.coursewire.targets;

import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of {@code targets.yaml} while it is read: its name, where it is in the file for messages
 * ({@code targets[2] (crm)}), and the checks every kind uses.
 */
public record TargetEntry(JsonNode node, String where, String name) {

    /** The key's trimmed text; {@code null} when absent and not required. */
    public String text(String key, boolean required) throws InvalidTargetsException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid("'" + key + "' is required");
            }
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw invalid("'" + key + "' must be a non-empty string");
        }
        return v.asText().trim();
    }

    /** A list of strings, each among {@code allowed} unless that is null; empty when absent. */
    public Set<String> strings(String key, Set<String> allowed) throws InvalidTargetsException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Set.of();
        }
        if (!v.isArray()) {
            throw invalid("'" + key + "' must be a list");
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode item : v) {
            if (!item.isValueNode()) {
                throw invalid("'" + key + "' must list strings");
            }
            String s = item.asText().trim();
            if (allowed != null && !allowed.contains(s)) {
                throw invalid("'" + key + "' has unknown value '" + s + "' (known: " + allowed + ")");
            }
            values.add(s);
        }
        return Set.copyOf(values);
    }

    /** The entry is invalid: the message names where it is, then the reason. */
    public InvalidTargetsException invalid(String reason) {
        return new InvalidTargetsException(where + ": " + reason);
    }
}

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
    /**
     * A name is stored with every delivery attempt and dead letter: a column of 128 characters, and the
     * dead letter's key {@code <event id>/<name>/<generation>} of 200 (36 + 1 + 100 + 1 + 38 for a
     * replay's generation = 176). A longer name would make every dead letter of the target unstorable.
     */
    static final int MAX_NAME_LENGTH = 100;
    private static final Set<String> EVENT_TYPES = Set.of("course.enrolled", "course.progressed", "course.completed");
    private static final Set<String> COMMON_KEYS = Set.of("name", "type", "types", "vendors", "courses");
    private static final Map<String, Set<String>> KEYS_BY_TYPE = Map.of(
            "file", Set.of("directory", "format"),
            "http", Set.of("url", "headers", "secret", "timeout"));
    /** Headers Coursewire sets itself on every delivery; a target cannot override them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
            "connection", "transfer-encoding", "upgrade", "expect");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

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
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidTargetsException(where + ": 'name' must be at most " + MAX_NAME_LENGTH + " characters (it has "
                    + name.length() + ")");
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
            case "http" -> httpTarget(entry, where, name, filters);
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

    private static HttpTarget httpTarget(JsonNode entry, String where, String name, Target.Filters filters)
            throws InvalidTargetsException {
        String url = text(entry, "url", where, true);
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidTargetsException(where + ": 'url' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isBlank()) {
            throw new InvalidTargetsException(where + ": 'url' must be an absolute http or https URL with a host");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidTargetsException(where + ": 'url' must not carry credentials; use 'headers'");
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        JsonNode h = entry.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw new InvalidTargetsException(where + ": 'headers' must be a mapping of header name to value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> header = it.next();
                String headerName = header.getKey();
                if (!HEADER_NAME.matcher(headerName).matches()) {
                    throw new InvalidTargetsException(where + ": header name '" + headerName + "' is not a valid HTTP header name");
                }
                if (RESERVED_HEADERS.contains(headerName.toLowerCase(java.util.Locale.ROOT))) {
                    throw new InvalidTargetsException(where + ": header '" + headerName + "' is set by Coursewire and cannot be configured");
                }
                JsonNode value = header.getValue();
                if (!value.isValueNode() || value.isNull() || value.asText().indexOf('\r') >= 0 || value.asText().indexOf('\n') >= 0) {
                    throw new InvalidTargetsException(where + ": header '" + headerName + "' must have a one-line string value");
                }
                headers.put(headerName, value.asText());
            }
        }
        java.util.Optional<String> secret = java.util.Optional.ofNullable(text(entry, "secret", where, false));
        if (secret.isPresent()) {
            validateSecret(secret.get(), where);
        }
        java.util.Optional<java.time.Duration> timeout = java.util.Optional.empty();
        String t = text(entry, "timeout", where, false);
        if (t != null) {
            java.util.regex.Matcher m = DURATION.matcher(t);
            if (!m.matches()) {
                throw new InvalidTargetsException(where + ": 'timeout' must look like 10s, 500ms or 1m");
            }
            long n = Long.parseLong(m.group(1));
            java.time.Duration d = switch (m.group(2)) {
                case "ms" -> java.time.Duration.ofMillis(n);
                case "s" -> java.time.Duration.ofSeconds(n);
                default -> java.time.Duration.ofMinutes(n);
            };
            if (d.isZero()) {
                throw new InvalidTargetsException(where + ": 'timeout' must be positive");
            }
            timeout = java.util.Optional.of(d);
        }
        return new HttpTarget(name, filters, uri, Map.copyOf(headers), secret, timeout);
    }

    /** Standard Webhooks secrets: {@code whsec_} and base64 of 24 to 64 random bytes. Never echoed in the message. */
    private static void validateSecret(String secret, String where) throws InvalidTargetsException {
        if (!secret.startsWith("whsec_")) {
            throw new InvalidTargetsException(where + ": 'secret' must start with whsec_ (Standard Webhooks)");
        }
        byte[] key;
        try {
            key = java.util.Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": 'secret' after whsec_ must be base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new InvalidTargetsException(where + ": 'secret' must encode 24 to 64 bytes (it encodes " + key.length + ")");
        }
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

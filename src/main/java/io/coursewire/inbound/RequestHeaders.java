package io.coursewire.inbound;

import java.util.Map;
import java.util.TreeMap;

/** The request headers a Translator may read (e.g. {@code X-Zapnito-Hostname}), looked up case-insensitively. */
@FunctionalInterface
public interface RequestHeaders {

    RequestHeaders NONE = name -> null;

    /** The header's value, or null when absent or blank. */
    String get(String name);

    static RequestHeaders of(Map<String, ?> headers) {
        Map<String, Object> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ci.putAll(headers);
        return name -> {
            Object value = ci.get(name);
            if (value == null) {
                return null;
            }
            String text = value.toString().trim();
            return text.isEmpty() ? null : text;
        };
    }
}

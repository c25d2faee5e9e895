package io.coursewire.targets;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How an HTTP delivery carries the canonical event (§6, "CloudEvents HTTP binding"), set by a target's or
 * a subscription's {@code cloudevents}. {@link #JSON}, the default, is what REST Hooks and Zapier expect.
 */
public enum CloudEventsMode {
    /** The event as {@code application/json}, as before the binding existed. */
    JSON("json"),
    /** The same body as {@code application/cloudevents+json}: CloudEvents structured content mode. */
    STRUCTURED("structured"),
    /** The attributes as {@code ce-*} headers and {@code data} alone as the body: CloudEvents binary content mode. */
    BINARY("binary");

    /** The one every target and subscription has unless it says otherwise. */
    public static final CloudEventsMode DEFAULT = JSON;

    private final String label;

    CloudEventsMode(String label) {
        this.label = label;
    }

    /** As written in {@code targets.yaml}, in a subscription's body and in its listing. */
    public String label() {
        return label;
    }

    public static Optional<CloudEventsMode> fromLabel(String label) {
        for (CloudEventsMode m : values()) {
            if (m.label.equals(label)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** "json, structured or binary", for refusals. */
    public static String choices() {
        String[] labels = Arrays.stream(values()).map(CloudEventsMode::label).toArray(String[]::new);
        return Arrays.stream(labels, 0, labels.length - 1).collect(Collectors.joining(", ")) + " or " + labels[labels.length - 1];
    }
}

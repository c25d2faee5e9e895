package io.coursewire.targets;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each event, as JSON, to {@code url} with the static {@code headers}, signed per Standard
 * Webhooks when a {@code secret} ({@code whsec_…}) is set. {@code timeout} overrides
 * {@code coursewire.delivery.timeout} for this target.
 */
public record HttpTarget(String name, Filters filters, URI url, Map<String, String> headers, Optional<String> secret,
        Optional<Duration> timeout) implements Target {

    /** A secret's own toString would print it: targets are logged by name only. */
    @Override
    public String toString() {
        return "HttpTarget[" + name + " → " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "]";
    }
}

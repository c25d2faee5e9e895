package io.coursewire.targets;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * POSTs each event, as JSON, to {@code url} with the static {@code headers}, signed per Standard
 * Webhooks when a {@code secret} ({@code whsec_…}) is set. {@code timeout} overrides
 * {@code coursewire.delivery.timeout} for this target. {@code cloudevents} is how the event is carried
 * ({@link CloudEventsMode}: plain JSON unless the target asks for a CloudEvents content mode).
 */
public record HttpTarget(String name, Filters filters, URI url, Map<String, String> headers, Optional<String> secret,
        Optional<Duration> timeout, CloudEventsMode cloudevents) implements Target {

    @Override
    public String type() {
        return HttpTargetKind.TYPE;
    }

    /**
     * Header values and the secret masked; so is the URL's query, which some receivers use for a token
     * ({@code ?key=…}): the admin API shows its parameter names only.
     */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> described = Target.describeCommon(this);
        described.put("url", maskedQuery(url));
        if (!headers.isEmpty()) {
            Map<String, String> masked = new TreeMap<>();
            headers.keySet().forEach(h -> masked.put(h, MASKED));
            described.put("headers", masked);
        }
        secret.ifPresent(s -> described.put("secret", MASKED));
        timeout.ifPresent(t -> described.put("timeout", t.toMillis() + "ms"));
        described.put("cloudevents", cloudevents.label());
        return described;
    }

    /** The URL as the admin API shows it: the query's parameter names kept, their values masked. */
    public static String maskedQuery(URI url) {
        String query = url.getRawQuery();
        String base = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        if (query == null) {
            return base;
        }
        StringBuilder masked = new StringBuilder(base).append('?');
        String[] parameters = query.split("&");
        for (int i = 0; i < parameters.length; i++) {
            int eq = parameters[i].indexOf('=');
            masked.append(i == 0 ? "" : "&").append(eq < 0 ? parameters[i] : parameters[i].substring(0, eq) + "=" + MASKED);
        }
        return masked.toString();
    }

    /** A secret's own toString would print it: targets are logged by name only. */
    @Override
    public String toString() {
        return "HttpTarget[" + name + " → " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "]";
    }
}

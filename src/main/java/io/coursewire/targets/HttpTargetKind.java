package io.coursewire.targets;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code type: http}: {@code url} (absolute http or https, no credentials in it), {@code headers}
 * (none of those Coursewire sets itself), {@code secret} (Standard Webhooks {@code whsec_…}) and
 * {@code timeout}.
 */
@Singleton
public class HttpTargetKind implements TargetKind<HttpTarget> {

    /** Headers Coursewire sets itself on every delivery; a target cannot override them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
            "connection", "transfer-encoding", "upgrade", "expect");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

    /** The value of {@code type:} for this kind. */
    public static final String TYPE = "http";

    private final HttpDelivery http;

    @Inject
    public HttpTargetKind(HttpDelivery http) {
        this.http = http;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> keys() {
        return Set.of("url", "headers", "secret", "timeout");
    }

    @Override
    public HttpTarget read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException {
        return new HttpTarget(entry.name(), filters, url(entry), headers(entry), secret(entry), timeout(entry));
    }

    /** A POST per §6 ({@link HttpDelivery}); anything but a 2xx answer fails the attempt. */
    @Override
    public Integer deliver(HttpTarget target, OutboundEvent event) throws DeliveryFailedException, InterruptedException {
        return http.post(target, event);
    }

    private static URI url(TargetEntry entry) throws InvalidTargetsException {
        String url = entry.text("url", true);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw entry.invalid("'url' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isBlank()) {
            throw entry.invalid("'url' must be an absolute http or https URL with a host");
        }
        if (uri.getUserInfo() != null) {
            throw entry.invalid("'url' must not carry credentials; use 'headers'");
        }
        return uri;
    }

    private static Map<String, String> headers(TargetEntry entry) throws InvalidTargetsException {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = entry.node().get("headers");
        if (h == null || h.isNull()) {
            return Map.of();
        }
        if (!h.isObject()) {
            throw entry.invalid("'headers' must be a mapping of header name to value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            String headerName = header.getKey();
            if (!HEADER_NAME.matcher(headerName).matches()) {
                throw entry.invalid("header name '" + headerName + "' is not a valid HTTP header name");
            }
            if (RESERVED_HEADERS.contains(headerName.toLowerCase(Locale.ROOT))) {
                throw entry.invalid("header '" + headerName + "' is set by Coursewire and cannot be configured");
            }
            JsonNode value = header.getValue();
            if (!value.isValueNode() || value.isNull() || value.asText().indexOf('\r') >= 0 || value.asText().indexOf('\n') >= 0) {
                throw entry.invalid("header '" + headerName + "' must have a one-line string value");
            }
            headers.put(headerName, value.asText());
        }
        return Map.copyOf(headers);
    }

    /** Standard Webhooks secrets: {@code whsec_} and base64 of 24 to 64 random bytes. Never echoed in the message. */
    private static Optional<String> secret(TargetEntry entry) throws InvalidTargetsException {
        String secret = entry.text("secret", false);
        if (secret == null) {
            return Optional.empty();
        }
        if (!secret.startsWith("whsec_")) {
            throw entry.invalid("'secret' must start with whsec_ (Standard Webhooks)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw entry.invalid("'secret' after whsec_ must be base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw entry.invalid("'secret' must encode 24 to 64 bytes (it encodes " + key.length + ")");
        }
        return Optional.of(secret);
    }

    private static Optional<Duration> timeout(TargetEntry entry) throws InvalidTargetsException {
        String t = entry.text("timeout", false);
        if (t == null) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw entry.invalid("'timeout' must look like 10s, 500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.isZero()) {
            throw entry.invalid("'timeout' must be positive");
        }
        return Optional.of(d);
    }
}

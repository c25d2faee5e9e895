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
import com.standardwebhooks.Webhook;

/**
 * {@code type: http}: {@code url} (absolute http or https, no credentials in it), {@code headers}
 * (none of those Coursewire sets itself), {@code secret} (Standard Webhooks {@code whsec_…}),
 * {@code timeout} and {@code cloudevents} ({@link CloudEventsMode}: json, structured or binary).
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
        return Set.of("url", "headers", "secret", "timeout", "cloudevents");
    }

    @Override
    public HttpTarget read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException {
        CloudEventsMode mode = cloudevents(entry);
        return new HttpTarget(entry.name(), filters, url(entry), headers(entry, mode), secret(entry), timeout(entry), mode);
    }

    /** A POST per §6 ({@link HttpDelivery}); anything but a 2xx answer fails the attempt. */
    @Override
    public Integer deliver(HttpTarget target, OutboundEvent event) throws DeliveryFailedException, InterruptedException {
        return http.post(target, event);
    }

    private static URI url(TargetEntry entry) throws InvalidTargetsException {
        try {
            return httpUrl(entry.text("url", true));
        } catch (IllegalArgumentException e) {
            throw entry.invalid("'url' " + e.getMessage());
        }
    }

    /**
     * The URL events are POSTed to, a target's or a subscriber's: absolute http or https with a host,
     * no credentials in it. Refused with an {@link IllegalArgumentException} whose message says why
     * without quoting the URL (its query or user part may hold a token).
     */
    public static URI httpUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("must be an absolute http or https URL with a host");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("must not carry credentials (user:password@); send them in a header");
        }
        return uri;
    }

    private static CloudEventsMode cloudevents(TargetEntry entry) throws InvalidTargetsException {
        String mode = entry.text("cloudevents", false);
        if (mode == null) {
            return CloudEventsMode.DEFAULT;
        }
        return CloudEventsMode.fromLabel(mode)
                .orElseThrow(() -> entry.invalid("'cloudevents' must be " + CloudEventsMode.choices() + " (it is '" + mode + "')"));
    }

    private static Map<String, String> headers(TargetEntry entry, CloudEventsMode mode) throws InvalidTargetsException {
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
            // In binary mode a ce-* header is an event attribute: a static one would add to the event or contradict it.
            if (mode == CloudEventsMode.BINARY && headerName.regionMatches(true, 0, "ce-", 0, 3)) {
                throw entry.invalid("header '" + headerName + "' is a CloudEvents attribute in binary mode and cannot be configured");
            }
            JsonNode value = header.getValue();
            if (!value.isValueNode() || value.isNull() || value.asText().indexOf('\r') >= 0 || value.asText().indexOf('\n') >= 0) {
                throw entry.invalid("header '" + headerName + "' must have a one-line string value");
            }
            headers.put(headerName, value.asText());
        }
        return Map.copyOf(headers);
    }

    private static Optional<String> secret(TargetEntry entry) throws InvalidTargetsException {
        String secret = entry.text("secret", false);
        if (secret == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(webhookSecret(secret));
        } catch (IllegalArgumentException e) {
            throw entry.invalid("'secret' " + e.getMessage());
        }
    }

    /**
     * A signing secret, a target's or a subscriber's: Standard Webhooks' {@code whsec_} and base64 of 24
     * to 64 random bytes, and one the signing library takes. Refused with an
     * {@link IllegalArgumentException} whose message never echoes the secret.
     */
    public static String webhookSecret(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("must start with whsec_ (Standard Webhooks)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("after whsec_ must be base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("must encode 24 to 64 bytes (it encodes " + key.length + ")");
        }
        try {
            new Webhook(secret);
        } catch (Exception e) { // the library's own refusals are checked exceptions
            throw new IllegalArgumentException("is not a Standard Webhooks secret the signer accepts");
        }
        return secret;
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

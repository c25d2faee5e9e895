package io.coursewire.targets;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A REST Hook subscription (§5): an HTTP subscriber that registered itself for one {@link RestHookEvent},
 * optionally for one course only. To the router and to delivery it is an HTTP target
 * ({@link #asTarget()}) named {@code subscription:<id>}, with every guarantee of §6; its
 * {@code authorization_token} is sent as {@code Authorization: Token token=…}, its {@code secret} signs,
 * and its {@code cloudevents} mode says how the event is carried.
 */
public record Subscription(long id, RestHookEvent event, URI url, Optional<String> authorizationToken, Optional<String> course,
        Optional<String> secret, CloudEventsMode cloudevents, Instant createdAt) {

    /** The prefix of a subscription's target name; a colon never appears in a static target's name. */
    public static final String TARGET_PREFIX = "subscription:";

    public String targetName() {
        return TARGET_PREFIX + id;
    }

    /** The subscription's id when {@code targetName} names one. */
    public static Optional<Long> idOf(String targetName) {
        if (targetName == null || !targetName.startsWith(TARGET_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(targetName.substring(TARGET_PREFIX.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static boolean isSubscription(String targetName) {
        return targetName != null && targetName.startsWith(TARGET_PREFIX);
    }

    /** The HTTP target the router and delivery see: the hook's event types, its course, its token, secret and mode. */
    public HttpTarget asTarget() {
        Target.Filters filters = new Target.Filters(event.types(), Set.of(), course.map(Set::of).orElse(Set.of()), Optional.empty());
        Map<String, String> headers = authorizationToken.map(t -> Map.of("Authorization", "Token token=" + t)).orElse(Map.of());
        return new HttpTarget(targetName(), filters, url, headers, secret, Optional.empty(), cloudevents);
    }

    /** Tokens and secrets never printed. */
    @Override
    public String toString() {
        return "Subscription[" + id + " " + event.path() + " → " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + "]";
    }
}

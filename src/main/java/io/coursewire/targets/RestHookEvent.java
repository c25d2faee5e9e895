package io.coursewire.targets;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import io.coursewire.canonical.EventType;

/**
 * The {@code {event}} of {@code /api/v1/rest_hooks/{event}/subscriptions} (§5), the names Zapnito gives
 * its own REST Hooks, and the canonical event types each one receives.
 */
public enum RestHookEvent {
    COURSE_ENROLLED("course_enrolled", EventType.ENROLLED),
    COURSE_PROGRESSED("course_progressed", EventType.PROGRESSED),
    COURSE_COMPLETED("course_completed", EventType.COMPLETED),
    /** Zapnito's own hook: progress and completion together. */
    COURSE_PARTICIPATION_UPDATED("course_participation_updated", EventType.PROGRESSED, EventType.COMPLETED);

    private final String path;
    private final Set<String> types;

    RestHookEvent(String path, EventType... types) {
        this.path = path;
        this.types = Arrays.stream(types).map(EventType::value).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** As in the URL path. */
    public String path() {
        return path;
    }

    /** The canonical {@code type} values this hook receives. */
    public Set<String> types() {
        return types;
    }

    public static Optional<RestHookEvent> fromPath(String path) {
        for (RestHookEvent e : values()) {
            if (e.path.equals(path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}

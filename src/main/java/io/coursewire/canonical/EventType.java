package io.coursewire.canonical;

import com.fasterxml.jackson.annotation.JsonValue;

/** The canonical event types (§3): what happened to a learner in a course. */
public enum EventType {
    ENROLLED("course.enrolled"),
    PROGRESSED("course.progressed"),
    COMPLETED("course.completed");

    private final String value;

    EventType(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }
}

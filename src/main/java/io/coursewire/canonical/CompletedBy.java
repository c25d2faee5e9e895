package io.coursewire.canonical;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who marked a course completed, where the vendor says (DigitalChalk SELF / ADMIN). */
public enum CompletedBy {
    LEARNER("learner"),
    ADMIN("admin");

    private final String value;

    CompletedBy(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }
}

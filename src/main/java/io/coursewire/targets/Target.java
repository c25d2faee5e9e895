package io.coursewire.targets;

import java.util.Set;

/**
 * One destination an operator configured in {@code config/targets.yaml} (§4), with the shorthand
 * filters that decide which events it receives. Each kind is a record and a {@link TargetKind} that reads it.
 */
public sealed interface Target permits FileTarget, HttpTarget {

    String name();

    Filters filters();

    /** Any-of within each list, all lists together; an absent list admits everything. */
    record Filters(Set<String> types, Set<String> vendors, Set<String> courses) {
        public static final Filters NONE = new Filters(Set.of(), Set.of(), Set.of());

        public boolean admit(String type, String vendor, String courseId) {
            return (types.isEmpty() || types.contains(type))
                    && (vendors.isEmpty() || vendors.contains(vendor))
                    && (courses.isEmpty() || courses.contains(courseId));
        }
    }
}

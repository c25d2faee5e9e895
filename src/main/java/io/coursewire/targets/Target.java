package io.coursewire.targets;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One destination an operator configured in {@code config/targets.yaml} (§4), with the shorthand
 * filters that decide which events it receives. Each kind is a record and a {@link TargetKind} that reads it and delivers to it.
 */
public interface Target {

    String name();

    /** The {@code type:} of its {@link TargetKind}. */
    String type();

    Filters filters();

    /**
     * What an operator sees of this target in the admin API: every key as in {@code targets.yaml},
     * secrets and header values masked ({@link #MASKED}).
     */
    Map<String, Object> describe();

    /**
     * Files besides {@code targets.yaml} that this target was read from (an email target's templates):
     * the registry watches them too, and a change to one reads the targets again.
     */
    default List<Path> sources() {
        return List.of();
    }

    /** What the admin API shows in place of a secret or a header value. */
    String MASKED = "***";

    /** The keys every kind has, in the order of {@code targets.yaml}; the kind's own keys follow. */
    static Map<String, Object> describeCommon(Target target) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("name", target.name());
        described.put("type", target.type());
        Filters f = target.filters();
        if (!f.types().isEmpty()) {
            described.put("types", new TreeSet<>(f.types()));
        }
        if (!f.vendors().isEmpty()) {
            described.put("vendors", new TreeSet<>(f.vendors()));
        }
        if (!f.courses().isEmpty()) {
            described.put("courses", new TreeSet<>(f.courses()));
        }
        f.when().ifPresent(w -> described.put("when", w.describe()));
        return described;
    }

    /**
     * The target's conditions, all of which must hold: the shorthand lists (any-of within each list; an
     * absent list admits everything) and the optional {@code when} predicate on the whole event.
     */
    record Filters(Set<String> types, Set<String> vendors, Set<String> courses, Optional<When> when) {
        public static final Filters NONE = new Filters(Set.of(), Set.of(), Set.of(), Optional.empty());

        /** The shorthand lists alone: cheap, so checked before {@link #when()}. */
        public boolean admit(String type, String vendor, String courseId) {
            return (types.isEmpty() || types.contains(type))
                    && (vendors.isEmpty() || vendors.contains(vendor))
                    && (courses.isEmpty() || courses.contains(courseId));
        }
    }
}

package io.coursewire.targets;

import java.util.Set;

/**
 * A kind of target ({@code type:} in {@code targets.yaml}): the keys it takes besides the common ones
 * ({@code name}, {@code type}, {@code types}, {@code vendors}, {@code courses}) and how an entry of
 * that kind is read and checked. A new kind is one such class, listed in {@link TargetsFile#KINDS}.
 */
public interface TargetKind {

    /** The value of {@code type:} that selects this kind. */
    String type();

    /** The keys an entry of this kind may have besides the common ones; any other key refuses the file. */
    Set<String> keys();

    /**
     * The target an entry describes, with the filters already read from its common keys, or the reason
     * it is invalid, naming the entry and the key.
     */
    Target read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException;
}

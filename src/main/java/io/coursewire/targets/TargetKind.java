package io.coursewire.targets;

import java.util.Set;

/**
 * A kind of target ({@code type:} in {@code targets.yaml}): the keys it takes besides the common ones
 * ({@code name}, {@code type}, {@code types}, {@code vendors}, {@code courses}, {@code when}), how an
 * entry of that kind is read and checked, and its delivery step. A new kind is one such class, a CDI
 * bean: {@link TargetKinds} finds it, and the file reader, the delivery routes and the admin API need
 * no change.
 *
 * @param <T> the target this kind reads and delivers to
 */
public interface TargetKind<T extends Target> {

    /** The value of {@code type:} that selects this kind. */
    String type();

    /** The keys an entry of this kind may have besides the common ones; any other key refuses the file. */
    Set<String> keys();

    /**
     * The target an entry describes, with the filters already read from its common keys, or the reason
     * it is invalid, naming the entry and the key. Everything that can be checked before a delivery is
     * checked here (a template that does not parse, a directory that cannot be made): a file is refused
     * at load rather than failing at send.
     */
    T read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException;

    /**
     * Delivers one event to the target, on the calling (delivery consumer) thread, which it may block;
     * never called on an event loop. Returns the HTTP status where the kind has one, else null.
     *
     * @throws DeliveryFailedException when the attempt did not succeed: it is recorded and retried, or
     *         dead-lettered when {@linkplain DeliveryFailedException#permanent() permanent}
     */
    Integer deliver(T target, OutboundEvent event) throws DeliveryFailedException, InterruptedException;

    /**
     * How many deliveries to this target may be under way at once, given {@code coursewire.delivery.consumers}:
     * that number unless the kind's step gains nothing from more (appends to one file are serialized).
     */
    default int concurrency(T target, int configured) {
        return configured;
    }
}

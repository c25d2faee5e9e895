package io.coursewire.targets;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.arc.All;

/** Every {@link TargetKind} bean, by its {@code type:}. */
@Singleton
public class TargetKinds {

    private final Map<String, TargetKind<?>> byType;

    @Inject
    public TargetKinds(@All List<TargetKind<?>> kinds) {
        Map<String, TargetKind<?>> map = new TreeMap<>();
        for (TargetKind<?> kind : kinds) {
            if (map.put(kind.type(), kind) != null) {
                throw new IllegalStateException("two target kinds for type '" + kind.type() + "'");
            }
        }
        this.byType = Collections.unmodifiableMap(map);
    }

    /** The kind for a {@code type:}, or null when there is none. */
    public TargetKind<?> forType(String type) {
        return byType.get(type);
    }

    /** The known values of {@code type:}, sorted. */
    public java.util.Set<String> types() {
        return byType.keySet();
    }

    /** See {@link TargetKind#concurrency}. */
    @SuppressWarnings("unchecked")
    public int concurrency(Target target, int configured) {
        TargetKind<Target> kind = (TargetKind<Target>) byType.get(target.type());
        return Math.max(1, kind.concurrency(target, configured));
    }

    /** The target's own kind delivers the event (see {@link TargetKind#deliver}). */
    @SuppressWarnings("unchecked")
    public Integer deliver(Target target, OutboundEvent event) throws DeliveryFailedException, InterruptedException {
        TargetKind<Target> kind = (TargetKind<Target>) byType.get(target.type());
        return kind.deliver(target, event);
    }
}

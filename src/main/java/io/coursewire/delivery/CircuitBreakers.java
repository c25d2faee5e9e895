package io.coursewire.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.CoursewireConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Circuit Breaker of §5, one per static target and per subscription, by target name: after
 * {@code coursewire.delivery.circuit.failure-threshold} consecutive failed attempts the target is
 * paused; its deliveries are held — pending on the broker, neither attempted nor counted as attempts,
 * so the breaker never dead-letters anything — until, {@code probe-interval} later, one delivery
 * probes it. The probe's success closes the circuit and the held deliveries flow again; its failure
 * opens it for another interval. State is kept in memory: a restart closes every circuit, and the
 * first failures open them again.
 *
 * <p>Metrics: {@code coursewire_delivery_circuit_state{target}} (0 closed, 1 half-open, 2 open) for each
 * static target, registered with its delivery route; {@code coursewire_subscriptions_circuits{state}},
 * how many subscriptions are in each state (one series per subscription would make thousands).
 */
@Singleton
public class CircuitBreakers {

    public enum State {
        CLOSED, HALF_OPEN, OPEN;

        /** As shown in the admin API: closed, half-open, open. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a delivery may do now: go, go as the probe, or be held until {@code holdUntil} (epoch millis). */
    public record Admission(boolean go, boolean probe, long holdUntil) {
        static final Admission PASS = new Admission(true, false, 0);
        static final Admission PROBE = new Admission(true, true, 0);

        static Admission hold(long until) {
            return new Admission(false, false, until);
        }
    }

    private final int threshold;
    private final long probeMillis;
    /** While the probe is under way the others are held this long, then look again. */
    private final long recheckMillis;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    @Inject
    public CircuitBreakers(CoursewireConfig config, MeterRegistry meters) {
        this(config.delivery().circuit().failureThreshold(), config.delivery().circuit().probeInterval());
        for (State state : State.values()) {
            Gauge.builder("coursewire.subscriptions.circuits", this, c -> c.count(state, io.coursewire.targets.Subscription::isSubscription))
                    .description("Subscriptions whose circuit is in this state").tag("state", state.label()).register(meters);
        }
    }

    CircuitBreakers(int threshold, Duration probeInterval) {
        if (threshold < 1 || probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("coursewire.delivery.circuit: need failure-threshold >= 1 and probe-interval > 0");
        }
        this.threshold = threshold;
        this.probeMillis = probeInterval.toMillis();
        this.recheckMillis = Math.min(probeMillis, 5_000);
    }

    public Circuit of(String target) {
        return circuits.computeIfAbsent(target, t -> new Circuit());
    }

    public State state(String target) {
        Circuit c = circuits.get(target);
        return c == null ? State.CLOSED : c.state();
    }

    /** A target or subscription that is gone takes its circuit with it. */
    public void forget(String target) {
        circuits.remove(target);
    }

    /** How many of the circuits whose target names pass {@code which} are in {@code state}; closed counts only those that failed once. */
    long count(State state, Predicate<String> which) {
        long n = 0;
        for (Map.Entry<String, Circuit> e : circuits.entrySet()) {
            if (which.test(e.getKey()) && e.getValue().state() == state) {
                n++;
            }
        }
        return n;
    }

    /** Every state's count over the circuits whose target names pass {@code which}. */
    public Map<State, Long> counts(Predicate<String> which) {
        Map<State, Long> counts = new EnumMap<>(State.class);
        for (State s : State.values()) {
            counts.put(s, count(s, which));
        }
        return counts;
    }

    /** One target's breaker. Every method is short and synchronized: it is taken twice per delivery at most. */
    public final class Circuit {
        private State state = State.CLOSED;
        private int consecutiveFailures;
        private long probeAt;

        public synchronized State state() {
            return state;
        }

        public synchronized int consecutiveFailures() {
            return consecutiveFailures;
        }

        /** Asked before each attempt. When open and the interval has passed, this delivery is the probe. */
        public synchronized Admission admit(long now) {
            switch (state) {
                case CLOSED:
                    return Admission.PASS;
                case OPEN:
                    if (now >= probeAt) {
                        state = State.HALF_OPEN;
                        return Admission.PROBE;
                    }
                    return Admission.hold(probeAt);
                default:
                    return Admission.hold(now + recheckMillis);
            }
        }

        /** A delivery succeeded: the target is healthy, whatever the state was. */
        public synchronized void succeeded() {
            state = State.CLOSED;
            consecutiveFailures = 0;
        }

        /** A delivery failed; the probe's failure or the threshold's reaching opens the circuit for another interval. */
        public synchronized void failed(boolean probe, long now) {
            consecutiveFailures++;
            if (probe || (state == State.CLOSED && consecutiveFailures >= threshold)) {
                state = State.OPEN;
                probeAt = now + probeMillis;
            }
        }
    }
}

package io.coursewire.delivery;

import java.time.Duration;

import io.coursewire.CoursewireConfig;

/**
 * The retry schedule of §6: after the n-th failed attempt the next waits
 * {@code initialDelay × multiplier^(n-1)}, capped at {@code maxDelay}; {@code maxAttempts} attempts in
 * all. With the defaults (10 s, ×3, 1 h, 12): 10 s, 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min, then
 * hourly: the twelfth and last attempt comes 6 h 0 min 40 s after the first.
 */
public record Backoff(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts) {

    public Backoff {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || multiplier < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("coursewire.delivery.retry: need 0 <= initial-delay <= max-delay, multiplier >= 1, max-attempts >= 1");
        }
    }

    public static Backoff of(CoursewireConfig.Delivery.Retry retry) {
        return new Backoff(retry.initialDelay(), retry.multiplier(), retry.maxDelay(), retry.maxAttempts());
    }

    /** True when attempt number {@code attempt} (1-based) was the last one allowed. */
    public boolean exhaustedAfter(int attempt) {
        return attempt >= maxAttempts;
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based) before the next. */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }
}

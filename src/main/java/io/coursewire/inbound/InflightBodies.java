package io.coursewire.inbound;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.CoursewireConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The budget of request-body bytes held by all inbound requests at once
 * ({@code coursewire.ingest.max-inflight-bytes}). A request holds its share from the moment its body
 * starts to arrive until its response is written, so whatever the senders do, the bodies in memory
 * never add up to more than this. Past it, new requests are answered 503 with {@code Retry-After}.
 */
@Singleton
public class InflightBodies {

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    @Inject
    public InflightBodies(CoursewireConfig config, MeterRegistry registry) {
        this.limit = config.ingest().maxInflightBytes().asLongValue();
        Gauge.builder("coursewire.ingest.inflight.bytes", held, AtomicLong::get)
                .description("Request-body bytes held by inbound requests now (limit: coursewire.ingest.max-inflight-bytes)")
                .baseUnit("bytes").register(registry);
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, when that would exceed it. */
    public boolean tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void give(long bytes) {
        held.addAndGet(-bytes);
    }

    public long limit() {
        return limit;
    }
}

package io.coursewire.targets;

/**
 * What a target's delivery step is given: the canonical event's id (the same on every attempt, the
 * receivers' idempotency key) and its JSON, exactly as it will be sent or written. Each kind reads
 * from the JSON what else it needs.
 */
public record OutboundEvent(String id, byte[] json) {
}

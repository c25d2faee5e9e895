package io.coursewire.delivery;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.coursewire.targets.Subscriptions;
import io.quarkus.runtime.StartupEvent;

/**
 * A subscription that is gone takes its circuit breaker with it, however it went: deleted through the
 * admin API, unsubscribed on a 410, or deleted by another instance. The registry tells; the targets
 * package does not know about delivery.
 */
@Singleton
class SubscriptionCircuits {

    void forgetRemoved(@Observes StartupEvent started, Subscriptions subscriptions, CircuitBreakers circuits) {
        subscriptions.whenRemoved(removed -> circuits.forget(removed.targetName()));
    }
}

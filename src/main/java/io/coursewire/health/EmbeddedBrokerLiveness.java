package io.coursewire.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import io.coursewire.channel.EmbeddedBroker;

/**
 * Alive unless the embedded broker has stopped itself. Artemis stops for good on a critical IO error
 * (a journal write failed: a full disk, a failing device), and nothing in the process brings it back:
 * DOWN here makes the supervisor restart the process, and the journal gives back every accepted
 * event on restart. A broker that is merely unreachable, full (over max-disk-usage) or stopped on
 * purpose ({@link EmbeddedBroker#stop()}) is a readiness matter, not this one: a restart would not help.
 */
@Liveness
@ApplicationScoped
public class EmbeddedBrokerLiveness implements HealthCheck {

    @Inject
    EmbeddedBroker broker;

    @Override
    public HealthCheckResponse call() {
        String failure = broker.failure();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("embedded-broker").status(failure == null);
        if (failure != null) {
            response.withData("stoppedItself", failure);
        }
        return response.build();
    }
}

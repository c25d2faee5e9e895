package io.coursewire.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.coursewire.accept.IngestGate;
import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.EmbeddedBroker;

/**
 * Ready only while events can be stored durably: the broker is reachable, its disk is below
 * {@code coursewire.broker.max-disk-usage} (over it, the broker takes no new messages), and ingest is open.
 */
@Readiness
@ApplicationScoped
public class DurableChannelReadiness implements HealthCheck {

    @Inject
    EmbeddedBroker broker;
    @Inject
    DurableChannel channel;
    @Inject
    IngestGate gate;

    @Override
    public HealthCheckResponse call() {
        boolean brokerUp = !broker.isEmbedded() || broker.isActive();
        boolean reachable = brokerUp && channel.isAvailable();
        boolean diskFull = broker.isDiskFull();
        return HealthCheckResponse.named("durable-channel")
                .status(reachable && !diskFull && gate.isOpen())
                .withData("embedded", broker.isEmbedded())
                .withData("diskFull", diskFull)
                .withData("accepting", gate.isOpen())
                .build();
    }
}

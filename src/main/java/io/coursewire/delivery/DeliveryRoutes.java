package io.coursewire.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TryDefinition;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.channel.DurableChannel;
import io.coursewire.targets.FileTarget;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.Target;
import io.coursewire.targets.Targets;

/**
 * Guaranteed Delivery, one route per target: each consumes its own durable queue, so a slow or failing
 * target only ever delays itself. A message is acknowledged when its attempt has an outcome —
 * delivered, scheduled again, or dead-lettered — so a crash mid-attempt redelivers it (at least once).
 */
@ApplicationScoped
public class DeliveryRoutes extends RouteBuilder {

    @Inject
    CoursewireConfig config;
    @Inject
    Targets targets;
    @Inject
    DurableChannel channel;
    @Inject
    HttpDelivery http;
    @Inject
    DeliveryRecords records;
    @Inject
    DeliveryMetrics metrics;

    @Override
    public void configure() throws Exception {
        Backoff backoff = Backoff.of(config.delivery().retry());
        for (Target target : targets.all()) {
            String queue = Channels.deliveryQueue(target.name());
            channel.ensureQueue(queue);
            DeliveryAttempt attempt = new DeliveryAttempt(target, http, channel, records, backoff, metrics.forTarget(target.name()));
            RouteDefinition route = from("jms:queue:" + queue
                    + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE&cacheLevelName=CACHE_CONSUMER"
                    + "&concurrentConsumers=" + config.delivery().consumers()
                    + "&recoveryInterval=1000&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false")
                    .routeId("deliver-" + target.name())
                    .process(attempt::begin);
            TryDefinition attemptIt = route.doTry();
            if (target instanceof FileTarget file) {
                // Written under a temporary name, then renamed: readers never see half a file.
                attemptIt.to("file:" + file.directory() + "?tempPrefix=.inflight-&fileExist=Override");
            } else if (target instanceof HttpTarget) {
                attemptIt.process(attempt::post);
            }
            attemptIt.process(attempt::succeeded)
                    .doCatch(Exception.class).process(attempt::failed)
                    .end();
        }
    }
}

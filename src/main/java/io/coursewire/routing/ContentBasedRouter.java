package io.coursewire.routing;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.channel.DurableChannel;
import io.coursewire.delivery.DeliveryRequest;
import io.coursewire.eventlog.EventLog;

/**
 * Content-Based Router: consumes the durable events channel and turns each event into one delivery per
 * target whose conditions hold (the Recipient List), each its own durable message on that target's
 * queue, then records the event in the event log. The event leaves the channel only once all its
 * deliveries are on disk; a failure hands it back to the broker, which redelivers it with backoff.
 *
 * <p>Why not Camel's {@code recipientList} to {@code jms:} endpoints: that would be one synchronous
 * send (one fsync) per delivery, and a crash between two of them would leave an event half fanned out.
 * Here an event's deliveries are stored in one broker transaction, batched with other work (group
 * commit), and each carries a duplicate id, so routing the same event again stores nothing twice.
 */
@ApplicationScoped
public class ContentBasedRouter extends RouteBuilder {

    static final String EVENT = "coursewire.event";
    static final String ACCEPTED = "coursewire.event.accepted";

    @Inject
    CoursewireConfig config;
    @Inject
    EventLog eventLog;
    @Inject
    RecipientResolver recipients;
    @Inject
    DurableChannel channel;

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler().logExhaustedMessageHistory(false).logExhaustedMessageBody(false));

        // CLIENT_ACKNOWLEDGE: the message is acknowledged only after the route completes, and an
        // exception recovers the session so the broker redelivers it (with backoff).
        from("jms:queue:" + Channels.EVENTS + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE"
                + "&concurrentConsumers=" + config.routing().consumers() + "&cacheLevelName=CACHE_CONSUMER"
                + "&recoveryInterval=1000")
                .routeId("content-based-router")
                .process(this::fanOut)
                .process(exchange -> {
                    RoutedEvent event = exchange.getProperty(EVENT, RoutedEvent.class);
                    eventLog.record(event.id(), event.vendor(), event.type(), event.time(), exchange.getProperty(ACCEPTED, Long.class),
                            event.json());
                });
    }

    private void fanOut(Exchange exchange) throws Exception {
        RoutedEvent event = RoutedEvent.fromHeaders(exchange.getMessage().getHeaders(), exchange.getMessage().getBody(byte[].class));
        exchange.setProperty(EVENT, event);
        Long acceptedAt = exchange.getMessage().getHeader(Channels.ACCEPTED_AT, Long.class);
        long accepted = acceptedAt == null ? System.currentTimeMillis() : acceptedAt;
        exchange.setProperty(ACCEPTED, accepted);
        List<DurableChannel.Outgoing> deliveries = recipients.targetsFor(event).stream()
                .map(target -> new DeliveryRequest(event.id(), accepted, target.name(), 1, DeliveryRequest.ROUTED, accepted, event.json())
                        .toMessage(0))
                .toList();
        channel.send(deliveries).get(30, TimeUnit.SECONDS);
    }
}

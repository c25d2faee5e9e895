package io.coursewire.routing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import io.coursewire.CoursewireConfig;
import io.coursewire.canonical.Times;
import io.coursewire.channel.Channels;
import io.coursewire.eventlog.EventLog;

/**
 * Content-Based Router: consumes the durable events channel and sends each event to every target
 * whose conditions hold (a Recipient List), then records it in the event log. The message leaves
 * the queue only when every target has it; a failure hands it back to the broker, which redelivers
 * it with backoff, so nothing accepted is lost.
 */
@ApplicationScoped
public class ContentBasedRouter extends RouteBuilder {

    static final String EVENT = "coursewire.event";
    static final String RECIPIENTS = "coursewire.recipients";

    @Inject
    CoursewireConfig config;

    @Inject
    EventLog eventLog;
    @Inject
    RecipientResolver recipients;

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler().logExhaustedMessageHistory(false).logExhaustedMessageBody(false));

        // CLIENT_ACKNOWLEDGE: the message is acknowledged only after the route completes, and an
        // exception recovers the session so the broker redelivers it (with backoff). Unlike a
        // transacted session, the acknowledgement does not wait for its own fsync: after a crash an
        // event may be routed twice, never lost, and every target tolerates the repeat.
        from("jms:queue:" + Channels.EVENTS + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE"
                + "&concurrentConsumers=" + config.routing().consumers() + "&cacheLevelName=CACHE_CONSUMER"
                + "&recoveryInterval=1000")
                .routeId("content-based-router")
                .process(exchange -> {
                    RoutedEvent event = RoutedEvent.parse(exchange.getMessage().getBody(byte[].class));
                    exchange.setProperty(EVENT, event);
                    exchange.getMessage().removeHeaders("*");
                    exchange.getMessage().setHeader(Exchange.FILE_NAME,
                            Times.compactUtc(event.time()) + "_" + event.vendor() + "_" + event.id() + ".json");
                    exchange.getMessage().setBody(event.json());
                    exchange.setProperty(RECIPIENTS, recipients.endpointsFor(event));
                })
                .recipientList(exchangeProperty(RECIPIENTS))
                .end()
                .process(exchange -> {
                    RoutedEvent event = exchange.getProperty(EVENT, RoutedEvent.class);
                    eventLog.record(event.id(), event.vendor(), event.type(), event.time(), event.json());
                });
    }
}

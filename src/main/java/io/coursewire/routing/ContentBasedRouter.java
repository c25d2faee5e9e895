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
 * whose conditions hold (a Recipient List), then records it in the event log. The JMS session is
 * transacted: the message leaves the queue only when every target has it, and a failure rolls it
 * back for the broker to redeliver with backoff, so nothing accepted is lost.
 */
@ApplicationScoped
public class ContentBasedRouter extends RouteBuilder {

    static final String EVENT = "coursewire.event";

    @Inject
    CoursewireConfig config;

    @Inject
    EventLog eventLog;
    @Inject
    RecipientResolver recipients;

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler().logExhaustedMessageHistory(false).logExhaustedMessageBody(false));

        from("jms:queue:" + Channels.EVENTS + "?transacted=true&lazyCreateTransactionManager=false"
                + "&concurrentConsumers=" + config.routing().consumers() + "&cacheLevelName=CACHE_CONSUMER")
                .routeId("content-based-router")
                .process(exchange -> {
                    RoutedEvent event = RoutedEvent.parse(exchange.getMessage().getBody(byte[].class));
                    exchange.setProperty(EVENT, event);
                    exchange.getMessage().removeHeaders("*");
                    exchange.getMessage().setHeader(Exchange.FILE_NAME,
                            Times.compactUtc(event.time()) + "_" + event.vendor() + "_" + event.id() + ".json");
                    exchange.getMessage().setBody(event.json());
                })
                .recipientList(method(recipients, "endpointsFor(${exchangeProperty." + EVENT + "})"))
                .end()
                .process(exchange -> {
                    RoutedEvent event = exchange.getProperty(EVENT, RoutedEvent.class);
                    eventLog.record(event.id(), event.vendor(), event.type(), event.time(), event.json());
                });
    }
}

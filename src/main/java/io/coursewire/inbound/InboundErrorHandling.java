package io.coursewire.inbound;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

import io.coursewire.accept.IngestMetrics;

/**
 * How every inbound HTTP route answers what it refuses: a problem+json body with the right 4xx (or
 * 503), never a stack trace. Applies to all routes (YAML ones included); the handlers only match
 * exchanges that arrived over HTTP, so the routing stage keeps its own transactional error handling.
 */
@jakarta.enterprise.context.ApplicationScoped
public class InboundErrorHandling extends RouteConfigurationBuilder {

    @jakarta.inject.Inject
    IngestMetrics metrics;

    @Override
    public void configuration() {
        routeConfiguration()
                .onException(Exception.class)
                .onWhen(InboundErrorHandling::arrivedOverHttp)
                .handled(true)
                .logExhausted(false)
                .process(new ProblemResponder(metrics));
    }

    private static boolean arrivedOverHttp(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
    }
}

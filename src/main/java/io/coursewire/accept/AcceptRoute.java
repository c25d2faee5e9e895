package io.coursewire.accept;

import org.apache.camel.builder.RouteBuilder;

/**
 * The shared end of every inbound route: the vendor's YAML route authenticates and translates, then
 * hands the {@link io.coursewire.accept.Translation} here to be accepted durably.
 */
public class AcceptRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:accept";

    @Override
    public void configure() {
        from(ENDPOINT)
                .routeId("durable-accept")
                .process("durableAccept");
    }
}

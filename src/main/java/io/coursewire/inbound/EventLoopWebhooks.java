package io.coursewire.inbound;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpSupport;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.HeaderFilterStrategy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs the vendor routes ({@code /webhooks/*}) on the Vert.x event loop that received the request,
 * instead of on a worker thread.
 *
 * <p>Camel's platform-http consumer hands every exchange to a worker thread, because it cannot know
 * whether a route blocks, and runs it there synchronously: a webhook's worker then sleeps while its
 * event waits for the journal's group commit, is woken by the broker's thread, and hands the response
 * back to the event loop: three thread hand-offs per request, on a 2-core machine. Nothing on a vendor
 * route blocks: the front door ({@link InboundGuard}) has read the body, the authenticity check and the
 * translator compute, and the durable accept is asynchronous (its commit completes a future). So here
 * the route runs on the event loop up to the accept, and the response is written back on that event
 * loop when the commit completes (the camel-quarkus issue 3888 / CAMEL-18383 option, which platform-http
 * does not offer yet). Other platform-http routes keep the stock consumer.
 *
 * <p>Installed before the routes start, by replacing the platform-http component's engine with one
 * that makes this consumer for {@code /webhooks/} paths.
 */
@Singleton
@io.quarkus.arc.Unremovable // found by Camel Main by type, never injected
public class EventLoopWebhooks extends MainListenerSupport {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EventLoopWebhooks.class);
    /** Camel's own response writer (status, headers through the endpoint's filter, body), package-private in 4.14. */
    private static final MethodHandle WRITE_RESPONSE = writeResponse();

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext camel = main.getCamelContext();
        PlatformHttpComponent component = camel.getComponent("platform-http", PlatformHttpComponent.class);
        PlatformHttpEngine stock = component.getEngine();
        Engine engine = new Engine();
        engine.setCamelContext(camel);
        if (stock instanceof VertxPlatformHttpEngine vertx) {
            engine.setHandlers(vertx.getHandlers());
        }
        component.setEngine(engine);
        LOG.debugf("Vendor routes (%s*) run on the event loop", InboundEndpoints.PREFIX);
    }

    private static final class Engine extends VertxPlatformHttpEngine {
        @Override
        public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            if (endpoint.getPath().startsWith(InboundEndpoints.PREFIX)) {
                return new Consumer(endpoint, processor, getHandlers(), VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
            }
            return super.createConsumer(endpoint, processor);
        }
    }

    private static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers, String routerName) {
            super(endpoint, processor, handlers, routerName);
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended()) {
                super.handleRequest(ctx); // answers 503
                return;
            }
            Context eventLoop = ctx.vertx().getOrCreateContext();
            Exchange exchange = createExchange(false);
            exchange.setPattern(ExchangePattern.InOut);
            processHttpRequest(exchange, ctx).onComplete(prepared -> {
                if (prepared.failed()) {
                    fail(exchange, ctx, prepared.cause());
                    return;
                }
                try {
                    createUoW(exchange);
                } catch (Exception e) {
                    fail(exchange, ctx, e);
                    return;
                }
                getAsyncProcessor().process(exchange, doneSync -> {
                    if (doneSync) {
                        respond(exchange, ctx);
                    } else {
                        // Completed by the broker's thread: the response belongs to the request's event loop.
                        eventLoop.runOnContext(ignored -> respond(exchange, ctx));
                    }
                });
            });
        }

        private void respond(Exchange exchange, RoutingContext ctx) {
            Future<Void> written;
            try {
                @SuppressWarnings("unchecked")
                Future<Void> f = (Future<Void>) WRITE_RESPONSE.invokeExact(ctx, exchange, getEndpoint().getHeaderFilterStrategy(),
                        getEndpoint().isMuteException());
                written = f;
            } catch (Throwable e) {
                fail(exchange, ctx, e);
                return;
            }
            written.onComplete(result -> {
                if (result.succeeded()) {
                    doneUoW(exchange);
                    releaseExchange(exchange, false);
                } else {
                    fail(exchange, ctx, result.cause());
                }
            });
        }

        /** As the stock consumer fails a request: report, let Vert.x answer, end the unit of work. */
        private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
            getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
            if (!ctx.response().ended()) {
                ctx.fail(failure);
            }
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }

    private static MethodHandle writeResponse() {
        try {
            return MethodHandles.privateLookupIn(VertxPlatformHttpSupport.class, MethodHandles.lookup()).findStatic(
                    VertxPlatformHttpSupport.class, "writeResponse",
                    MethodType.methodType(Future.class, RoutingContext.class, Exchange.class, HeaderFilterStrategy.class, boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("platform-http's writeResponse(RoutingContext, Exchange, HeaderFilterStrategy, boolean)"
                    + " is not there: this Camel version needs EventLoopWebhooks reviewed (" + e + ")");
        }
    }
}

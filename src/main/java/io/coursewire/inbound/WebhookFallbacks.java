package io.coursewire.inbound;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.coursewire.accept.IngestMetrics;
import io.coursewire.CoursewireConfig;
import io.coursewire.problem.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers, as problem+json, the requests under {@code /webhooks/} that no vendor route takes: an
 * unknown vendor (404) and a method the vendor's route does not accept (405, with {@code Allow}); and
 * failures the HTTP layer raises on a vendor route.
 */
@Singleton
public class WebhookFallbacks {

    private final InboundEndpoints endpoints;
    private final IngestMetrics metrics;
    private final long maxBodyBytes;

    public WebhookFallbacks(InboundEndpoints endpoints, CoursewireConfig config, IngestMetrics metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.maxBodyBytes = config.ingest().maxBodySize().asLongValue();
    }

    void install(@Observes Router router) {
        // Last among /webhooks routes: reached only when no vendor route matched the path and method.
        router.route(InboundEndpoints.PREFIX + "*").order(Integer.MAX_VALUE - 100).handler(this::unmatched);
        // Failures raised by the HTTP layer on any /webhooks route.
        router.route(InboundEndpoints.PREFIX + "*").order(Integer.MIN_VALUE + 1).failureHandler(this::failed);
    }

    static Problem tooLarge(String path, long maxBodyBytes) {
        return Problem.of("payload-too-large", "Content Too Large", 413,
                "the body exceeds " + maxBodyBytes + " bytes (coursewire.ingest.max-body-size)", path, null);
    }

    private void unmatched(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        InboundEndpoints.Endpoint endpoint = endpoints.at(path);
        if (endpoint == null) {
            send(ctx, null, Problem.of("unknown-source", "Not Found", 404, "no webhook endpoint at " + path, path, null), Map.of());
        } else {
            send(ctx, endpoint.vendor(), Problem.of("method-not-allowed", "Method Not Allowed", 405,
                    ctx.request().method().name() + " is not accepted here; use " + String.join(" or ", endpoint.methods()), path, null),
                    Map.of("Allow", String.join(", ", endpoint.methods())));
        }
    }

    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode();
        String path = ctx.normalizedPath();
        InboundEndpoints.Endpoint endpoint = endpoints.at(path);
        String vendor = endpoint == null ? null : endpoint.vendor();
        if (status == 413) {
            send(ctx, vendor, tooLarge(path, maxBodyBytes), Map.of());
        } else if (status >= 400 && status < 500) {
            send(ctx, vendor, Problem.of("bad-request", "Bad Request", status, "the request could not be read", path, null), Map.of());
        } else {
            ctx.next();
        }
    }

    /** An unknown vendor counts as "unknown": a name from the URL would let anyone mint metrics. */
    private void send(RoutingContext ctx, String vendor, Problem problem, Map<String, String> headers) {
        if (ctx.response().ended()) {
            return;
        }
        metrics.ended(vendor == null ? "unknown" : vendor, IngestMetrics.Outcome.REJECTED, 0);
        HttpRefusals.send(ctx, problem, headers);
    }
}

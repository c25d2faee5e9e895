package io.coursewire.inbound;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;

import io.coursewire.CoursewireConfig;
import io.coursewire.problem.Problem;
import io.coursewire.problem.ProblemJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers, as problem+json, the requests under {@code /webhooks/} that no vendor route takes: an
 * unknown vendor (404), a method the vendor's route does not accept (405, with {@code Allow}), and a
 * body over {@code coursewire.ingest.max-body-size} (413, raised by the HTTP layer's body handler).
 */
@Singleton
public class WebhookFallbacks {

    private static final String PREFIX = "/webhooks/";

    private final CamelContext camel;
    private final long maxBodyBytes;

    private final IngestMetrics metrics;

    public WebhookFallbacks(CamelContext camel, CoursewireConfig config, IngestMetrics metrics) {
        this.camel = camel;
        this.metrics = metrics;
        this.maxBodyBytes = config.ingest().maxBodySize().asLongValue();
    }

    void install(@Observes Router router) {
        // Before anything reads the body: a declared length over the limit is refused at once.
        router.route(PREFIX + "*").order(Integer.MIN_VALUE).handler(this::declaredLength);
        // Last among /webhooks routes: reached only when no vendor route matched the path and method.
        router.route(PREFIX + "*").order(Integer.MAX_VALUE - 100).handler(this::unmatched);
        // Failures (the body handler's 413 for a chunked body over the limit) on any /webhooks route.
        router.route(PREFIX + "*").order(Integer.MIN_VALUE + 1).failureHandler(this::failed);
    }

    private void declaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBodyBytes) {
                    ctx.response().putHeader("Connection", "close"); // the rest of the body is not read
                    send(ctx, tooLarge(ctx.normalizedPath()));
                    return;
                }
            } catch (NumberFormatException e) {
                send(ctx, Problem.of("bad-request", "Bad Request", 400, "Content-Length is not a number", ctx.normalizedPath(), null));
                return;
            }
        }
        ctx.next();
    }

    private Problem tooLarge(String path) {
        return Problem.of("payload-too-large", "Content Too Large", 413,
                "the body exceeds " + maxBodyBytes + " bytes (coursewire.ingest.max-body-size)", path, null);
    }

    private void unmatched(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Set<String> allowed = allowedMethods(path);
        if (allowed.isEmpty()) {
            send(ctx, Problem.of("unknown-source", "Not Found", 404, "no webhook endpoint at " + path, path, null));
        } else {
            ctx.response().putHeader("Allow", String.join(", ", allowed));
            send(ctx, Problem.of("method-not-allowed", "Method Not Allowed", 405,
                    ctx.request().method().name() + " is not accepted here; use " + String.join(" or ", allowed), path, null));
        }
    }

    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode();
        String path = ctx.normalizedPath();
        if (status == 413) {
            send(ctx, tooLarge(path));
        } else if (status >= 400 && status < 500) {
            send(ctx, Problem.of("bad-request", "Bad Request", status, "the request could not be read", path, null));
        } else {
            ctx.next();
        }
    }

    private Set<String> allowedMethods(String path) {
        Set<String> methods = new TreeSet<>();
        PlatformHttpComponent http = camel.getComponent("platform-http", PlatformHttpComponent.class);
        for (HttpEndpointModel endpoint : http.getHttpEndpoints()) {
            if (endpoint.getUri().equals(path)) {
                String verbs = endpoint.getVerbs();
                if (verbs == null || verbs.isBlank()) {
                    methods.add("POST");
                } else {
                    for (String verb : verbs.split(",")) {
                        methods.add(verb.trim().toUpperCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        return methods;
    }

    private void send(RoutingContext ctx, Problem problem) {
        if (ctx.response().ended()) {
            return;
        }
        // An unknown vendor counts as "unknown": a name from the URL would let anyone mint metrics.
        String path = ctx.normalizedPath();
        String vendor = path.length() > PREFIX.length() && !allowedMethods(path).isEmpty() ? path.substring(PREFIX.length()) : "unknown";
        metrics.ended(vendor, IngestMetrics.Outcome.REJECTED, 0);
        ctx.response()
                .setStatusCode(problem.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(ProblemJson.toString(problem));
    }
}

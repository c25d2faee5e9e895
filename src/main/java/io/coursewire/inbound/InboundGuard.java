package io.coursewire.inbound;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.coursewire.accept.IngestMetrics;
import io.coursewire.CoursewireConfig;
import io.coursewire.problem.Problem;
import io.coursewire.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * The front door of every vendor endpoint, on the HTTP layer, before the vendor's route: everything
 * that can be decided from the request line and headers is decided here, before a byte of the body is
 * read, and the body is then read under limits that no sender can stretch.
 *
 * <ol>
 * <li>413 for a declared length over {@code coursewire.ingest.max-body-size};</li>
 * <li>the route's own authenticity step, as a {@link HeadCheck} on the head: 404 for
 * a disabled vendor, 415 for a body not declared JSON, 401 for a missing or wrong credential;</li>
 * <li>the body is taken into memory only against {@link InflightBodies}, the budget shared by all
 * requests (503 + {@code Retry-After} past it), and must arrive whole within
 * {@code coursewire.ingest.read-timeout} (408 otherwise).</li>
 * </ol>
 * Every refusal here closes the connection, so an unread body is never read. A refused sender costs
 * a header parse; an accepted one at most its share of the budget, for as long as its request lasts.
 *
 * <p>Why not the stock body handler: it can only be told the limit of one body, not of all of them,
 * and it reads before anything else has looked at the request. The body read here is handed on as the
 * request's body, and the platform-http route takes it from there as it would the stock handler's.
 */
@Singleton
public class InboundGuard {

    /** Seconds a vendor is asked to wait when the budget is spent: bodies in flight last milliseconds. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final InboundEndpoints endpoints;
    private final InflightBodies budget;
    private final IngestMetrics metrics;
    private final long maxBodyBytes;
    private final long readTimeoutMillis;

    public InboundGuard(InboundEndpoints endpoints, InflightBodies budget, IngestMetrics metrics, CoursewireConfig config) {
        this.endpoints = endpoints;
        this.budget = budget;
        this.metrics = metrics;
        this.maxBodyBytes = config.ingest().maxBodySize().asLongValue();
        this.readTimeoutMillis = Math.max(1, config.ingest().readTimeout().toMillis());
    }

    void install(@Observes Router router) {
        router.route(InboundEndpoints.PREFIX + "*").order(Integer.MIN_VALUE).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        InboundEndpoints.Endpoint endpoint = endpoints.at(ctx.normalizedPath());
        if (endpoint == null || !endpoint.methods().contains(request.method().name())) {
            ctx.next(); // 404 or 405 (WebhookFallbacks), the body unread
            return;
        }
        String vendor = endpoint.vendor();
        long declared;
        try {
            declared = declaredLength(request);
            if (declared > maxBodyBytes) {
                refuse(ctx, vendor, WebhookFallbacks.tooLarge(ctx.normalizedPath(), maxBodyBytes), Map.of());
                return;
            }
            endpoint.check().checkHead(vendor, RequestHead.of(request));
        } catch (ProblemException refusal) {
            refuse(ctx, vendor, refusal.toProblem(ctx.normalizedPath()), refusal.responseHeaders());
            return;
        }
        // A declared length is taken from the budget at once, so a sender that cannot be served is told
        // before it sends; a chunked body takes its share as it arrives.
        long upfront = Math.max(0, declared);
        if (upfront > 0 && !budget.tryTake(upfront)) {
            busy(ctx, vendor);
            return;
        }
        new BodyReader(ctx, vendor, upfront).start();
    }

    /** The declared Content-Length, -1 when there is none (chunked); 400 when it is not a number. */
    private static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(declared.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ProblemException(400, "bad-request", "Bad Request", "Content-Length is not a number", Map.of());
    }

    private void refuse(RoutingContext ctx, String vendor, Problem problem, Map<String, String> headers) {
        metrics.ended(vendor, problem.status() == 503 ? IngestMetrics.Outcome.UNAVAILABLE : IngestMetrics.Outcome.REJECTED, 0);
        HttpRefusals.send(ctx, problem, headers);
    }

    private void busy(RoutingContext ctx, String vendor) {
        refuse(ctx, vendor, Problem.of("unavailable", "Service Unavailable", 503,
                "too many request bodies are being received at once; retry later", ctx.normalizedPath(), null),
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    /** Reads one body into memory against the budget and the read timeout; all of it on the request's event loop. */
    private final class BodyReader {
        private final RoutingContext ctx;
        private final String vendor;
        private final Buffer body;
        /** Bytes this request holds of the budget; given back once, when the response ends. */
        private long taken;
        private boolean done;
        private long timer;

        BodyReader(RoutingContext ctx, String vendor, long declared) {
            this.ctx = ctx;
            this.vendor = vendor;
            this.taken = declared;
            // The declared size exactly, so the buffer never grows (and never holds twice its bytes).
            this.body = Buffer.buffer((int) Math.max(declared, 256));
        }

        void start() {
            HttpServerRequest request = ctx.request();
            ctx.addEndHandler(ended -> giveBack());
            if (request.isEnded()) {
                finish();
                return;
            }
            timer = ctx.vertx().setTimer(readTimeoutMillis, id -> timedOut());
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                ctx.response().writeContinue(); // authenticity is settled: the sender may send
            }
            request.handler(this::chunk).endHandler(v -> finish()).exceptionHandler(e -> broken());
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            long size = (long) body.length() + chunk.length();
            if (size > maxBodyBytes) {
                stop(WebhookFallbacks.tooLarge(ctx.normalizedPath(), maxBodyBytes), Map.of());
                return;
            }
            if (size > taken) {
                if (!budget.tryTake(size - taken)) {
                    stop(null, null);
                    return;
                }
                taken = size;
            }
            body.appendBuffer(chunk);
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            ctx.vertx().cancelTimer(timer);
            if (!(ctx instanceof RoutingContextInternal internal)) {
                throw new IllegalStateException("Vert.x Web routing context without its internal API: cannot hand the body on");
            }
            // What the stock body handler does at the end: the body is the request's, and the route's
            // body handler, seeing it done, passes straight on.
            internal.setBody(body);
            internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
            ctx.next();
        }

        private void timedOut() {
            if (!done) {
                stop(Problem.of("request-timeout", "Request Timeout", 408,
                        "the body did not arrive within " + readTimeoutMillis + " ms (coursewire.ingest.read-timeout)",
                        ctx.normalizedPath(), null), Map.of());
            }
        }

        private void broken() {
            if (!done) {
                done = true;
                ctx.vertx().cancelTimer(timer);
                ctx.request().connection().close();
            }
        }

        /** Ends the read with a refusal ({@code null}: the budget is spent); the refusal closes the connection. */
        private void stop(Problem problem, Map<String, String> headers) {
            done = true;
            ctx.vertx().cancelTimer(timer);
            if (problem == null) {
                busy(ctx, vendor);
            } else {
                refuse(ctx, vendor, problem, headers);
            }
        }

        private void giveBack() {
            long bytes = taken;
            taken = 0;
            if (bytes > 0) {
                budget.give(bytes);
            }
        }
    }
}

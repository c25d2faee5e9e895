package io.coursewire.targets;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.standardwebhooks.Webhook;

import io.coursewire.CoursewireConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * POSTs an event to an HTTP target (§6): the {@code Content-Type}, {@code ce-*} headers and body of the
 * target's {@link CloudEventsMode} ({@link CloudEventsBinding}), the target's static headers,
 * {@code webhook-id} (the event id, the same on every attempt), {@code webhook-timestamp}, and
 * {@code webhook-signature} when the target has a secret, signed over the body sent with the Standard
 * Webhooks reference implementation.
 *
 * <p>One Vert.x HTTP client on the service's own event loops, made once: it pools keep-alive
 * connections per host, never follows redirects (a 3xx is a failed attempt), and costs no thread per
 * request in flight (the JDK client it replaced hopped across three threads per request and was the
 * largest CPU cost per delivery). The target's timeout bounds the whole exchange once the request has
 * a connection: a timer resets the request when it fires, so a target that accepts the connection and
 * then hangs, or trickles its answer, is cut off too, which a read timeout alone would not do. The wait
 * for a pooled connection is not counted against it: a thousand subscribers on one host queue for its
 * connections, and a burst of their deliveries must not time out in our own queue.
 */
@Singleton
public class HttpDelivery {

    private static final String USER_AGENT = "Coursewire-Webhooks/1";
    /** A host may serve several targets; each target's consumers bound its own concurrency, not this. */
    private static final int MIN_CONNECTIONS_PER_HOST = 64;
    /** How long a request may wait for a free connection to its host before it fails. */
    private static final long POOL_WAIT_MILLIS = 60_000;

    private final Vertx vertx;
    private final HttpClient client;
    private final Duration defaultTimeout;
    /** Signers by secret, made once: the secret's key is decoded at the first delivery, not at every one. */
    private final Map<String, Webhook> signers = new ConcurrentHashMap<>();

    @Inject
    public HttpDelivery(Vertx vertx, CoursewireConfig config) {
        this.vertx = vertx;
        this.defaultTimeout = config.delivery().timeout();
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setKeepAlive(true)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, defaultTimeout.toMillis()))
                        .setVerifyHost(true)
                        .setName("coursewire-delivery"),
                new PoolOptions().setHttp1MaxSize(Math.max(MIN_CONNECTIONS_PER_HOST, config.delivery().consumers() * 8)));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Returns the 2xx status; anything else is a {@link DeliveryFailedException}. Blocks the calling
     * (consumer) thread until the answer or the timeout; never call it on an event loop.
     */
    public int post(HttpTarget target, OutboundEvent delivery) throws DeliveryFailedException, InterruptedException {
        long timeoutMillis = timeoutMillis(target);
        try {
            // The request's own timer decides; this bound only guards against a lost callback.
            return send(target, delivery, null).get(POOL_WAIT_MILLIS + timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DeliveryFailedException f) {
                throw f;
            }
            throw failure(e.getCause(), false, timeoutMillis);
        } catch (TimeoutException e) {
            throw failure(e, true, timeoutMillis);
        }
    }

    /**
     * Posts without holding a thread: the future completes, on an event loop, with the 2xx status, or
     * fails with a {@link DeliveryFailedException}. {@code server}, when given, is the address to connect
     * to (already checked by the {@link PrivateNetworkGuard}); the URL's host still names the request
     * ({@code Host}, TLS server name and certificate check). Null: the client resolves the host itself.
     */
    public CompletableFuture<Integer> send(HttpTarget target, OutboundEvent delivery, InetAddress server) {
        long timeoutMillis = timeoutMillis(target);
        long timestamp = System.currentTimeMillis() / 1000;
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        CloudEventsBinding.Wire wire;
        try {
            wire = CloudEventsBinding.of(target.cloudevents(), delivery.json());
        } catch (IllegalArgumentException e) {
            // Never for a canonical event (always a JSON object); retried and dead-lettered like any failure.
            answer.completeExceptionally(new DeliveryFailedException(null, "not sendable in CloudEvents binary mode: " + e.getMessage(), false));
            return answer;
        }
        MultiMap headers = HttpHeaders.headers()
                .add(HttpHeaders.USER_AGENT, USER_AGENT)
                .add(HttpHeaders.CONTENT_TYPE, wire.contentType())
                .add("webhook-id", delivery.id())
                .add("webhook-timestamp", Long.toString(timestamp));
        wire.headers().forEach(headers::add);
        target.headers().forEach(headers::add);
        if (target.secret().isPresent()) {
            try {
                headers.add("webhook-signature", sign(target.secret().get(), delivery.id(), wire.body(), timestamp));
            } catch (DeliveryFailedException e) {
                answer.completeExceptionally(e);
                return answer;
            }
        }
        URI url = target.url();
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(url.getHost())
                .setPort(port)
                .setSsl(tls)
                .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
                .setHeaders(headers)
                .setFollowRedirects(false)
                // Obtaining a connection: the wait for one of the host's pooled connections is not the
                // target's fault (thousands of subscribers may share one host), so it has an allowance of
                // its own; connecting is bounded by coursewire.delivery.timeout (the client's option).
                .setConnectTimeout(POOL_WAIT_MILLIS);
        if (server != null) {
            options.setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(server, port)));
        }

        AtomicBoolean timedOut = new AtomicBoolean();
        Buffer body = Buffer.buffer(wire.body());
        client.request(options).onComplete(obtained -> {
            if (obtained.failed()) {
                answer.completeExceptionally(failure(obtained.cause(), false, timeoutMillis));
                return;
            }
            HttpClientRequest request = obtained.result();
            long timer = vertx.setTimer(timeoutMillis, id -> {
                timedOut.set(true);
                request.reset(0, new TimeoutException());
            });
            request.send(body)
                    .compose(response -> {
                        response.handler(ignored -> { }); // the answer's body is not read, only drained
                        return response.end().map(done -> response.statusCode());
                    })
                    .onComplete(done -> {
                        vertx.cancelTimer(timer);
                        if (done.failed()) {
                            answer.completeExceptionally(failure(done.cause(), timedOut.get(), timeoutMillis));
                            return;
                        }
                        int status = done.result();
                        if (status >= 200 && status < 300) {
                            answer.complete(status);
                        } else {
                            answer.completeExceptionally(new DeliveryFailedException(status, "HTTP " + status, status == 410));
                        }
                    });
        });
        return answer;
    }

    private long timeoutMillis(HttpTarget target) {
        return target.timeout().orElse(defaultTimeout).toMillis();
    }

    private static DeliveryFailedException failure(Throwable cause, boolean timedOut, long timeoutMillis) {
        if (timedOut || cause instanceof TimeoutException) {
            return new DeliveryFailedException(null, "timed out after " + timeoutMillis + " ms", false);
        }
        if (cause instanceof ConnectException) {
            return new DeliveryFailedException(null, "connection failed: " + describe(cause), false);
        }
        return new DeliveryFailedException(null, "I/O error: " + describe(cause), false);
    }

    /**
     * Signs {@code body}, the bytes about to be sent (in binary mode the event's {@code data} alone). The
     * library takes a String and signs its UTF-8 bytes: the body is JSON written by Jackson, valid UTF-8,
     * so the round trip gives back the very bytes sent.
     */
    private String sign(String secret, String id, byte[] body, long timestamp) throws DeliveryFailedException {
        try {
            Webhook signer = signers.computeIfAbsent(secret, s -> {
                try {
                    return new Webhook(s);
                } catch (Exception e) {
                    throw new IllegalArgumentException("unusable signing secret", e);
                }
            });
            return signer.sign(id, timestamp, new String(body, StandardCharsets.UTF_8));
        } catch (Exception e) {
            // Never sent unsigned: the attempt fails and the message (not the secret) is recorded.
            throw new DeliveryFailedException(null, "signing failed: " + e.getClass().getSimpleName(), false);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}

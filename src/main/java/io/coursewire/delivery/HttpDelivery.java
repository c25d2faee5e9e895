package io.coursewire.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.standardwebhooks.Webhook;

import io.coursewire.CoursewireConfig;
import io.coursewire.targets.HttpTarget;

/**
 * POSTs an event to an HTTP target (§6): {@code Content-Type: application/json}, the target's static
 * headers, {@code webhook-id} (the event id, the same on every attempt), {@code webhook-timestamp},
 * and {@code webhook-signature} when the target has a secret, signed with the Standard Webhooks
 * reference implementation.
 *
 * <p>One JDK {@link HttpClient} for all targets: it pools connections per host, never follows
 * redirects (a 3xx is a failed attempt), and its per-request timeout bounds the whole exchange — a
 * target that accepts the connection and then hangs, or trickles its answer, is cut off after
 * {@code timeout} too, which a socket read timeout alone would not do.
 */
@Singleton
public class HttpDelivery {

    private static final String USER_AGENT = "Coursewire-Webhooks/1";

    private final HttpClient client;
    private final Duration defaultTimeout;
    /** Signers by secret, made once: the secret's key is decoded at the first delivery, not at every one. */
    private final Map<String, Webhook> signers = new ConcurrentHashMap<>();

    @Inject
    public HttpDelivery(CoursewireConfig config) {
        this.defaultTimeout = config.delivery().timeout();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(defaultTimeout)
                .build();
    }

    /** Returns the 2xx status; anything else is a {@link DeliveryFailedException}. */
    public int post(HttpTarget target, DeliveryRequest delivery) throws DeliveryFailedException, InterruptedException {
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                .timeout(target.timeout().orElse(defaultTimeout))
                .header("User-Agent", USER_AGENT)
                .header("Content-Type", "application/json")
                .header("webhook-id", delivery.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.json()));
        target.headers().forEach(request::header);
        if (target.secret().isPresent()) {
            request.header("webhook-signature", sign(target.secret().get(), delivery, timestamp));
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new DeliveryFailedException(null, "timed out after " + target.timeout().orElse(defaultTimeout).toMillis() + " ms", false);
        } catch (ConnectException e) {
            throw new DeliveryFailedException(null, "connection failed: " + describe(e), false);
        } catch (IOException e) {
            throw new DeliveryFailedException(null, "I/O error: " + describe(e), false);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return status;
        }
        throw new DeliveryFailedException(status, "HTTP " + status, status == 410);
    }

    private String sign(String secret, DeliveryRequest delivery, long timestamp) throws DeliveryFailedException {
        try {
            Webhook signer = signers.computeIfAbsent(secret, s -> {
                try {
                    return new Webhook(s);
                } catch (Exception e) {
                    throw new IllegalArgumentException("unusable signing secret", e);
                }
            });
            return signer.sign(delivery.eventId(), timestamp, new String(delivery.json(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            // Never sent unsigned: the attempt fails and the message (not the secret) is recorded.
            throw new DeliveryFailedException(null, "signing failed: " + e.getClass().getSimpleName(), false);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

}

package io.coursewire.inbound.authenticity;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.coursewire.inbound.HeadCheck;
import io.coursewire.inbound.InboundRequest;
import io.coursewire.inbound.RequestHead;
import io.coursewire.problem.ProblemException;

/**
 * A vendor's authenticity check, named by its YAML route ({@code - process: {ref: sharedTokenCheck}}).
 * It has two halves: what the request line and headers prove ({@link #checkHead}), which the
 * {@link io.coursewire.inbound.InboundGuard} runs before a byte of the body is read, and what only the
 * body can prove ({@link #verifyBody}: a signature over it), which runs as the route's step.
 *
 * <p>The route step checks the head again: it costs a header lookup and a constant-time compare, and
 * it keeps a route authenticated even where the guard does not stand (a route outside {@code /webhooks/}).
 */
public abstract class AuthenticityCheck implements Processor, HeadCheck {

    private final VendorSources sources;

    protected AuthenticityCheck(VendorSources sources) {
        this.sources = sources;
    }

    /**
     * The vendor is enabled (else 404), the body is declared JSON (else 415), and the credentials in the
     * request line and headers hold (else 401). Reads nothing of the body.
     */
    @Override
    public final void checkHead(String vendor, RequestHead head) {
        VendorSources.Source source = sources.get(vendor);
        if (!source.enabled()) {
            throw new ProblemException(404, "unknown-source", "Not Found", "the source '" + vendor + "' is not enabled", Map.of());
        }
        if (!InboundRequest.isJson(head.header("Content-Type"))) {
            throw ProblemException.unsupportedMediaType("Content-Type must be application/json");
        }
        verifyHead(head, source.secret());
    }

    @Override
    public void process(Exchange exchange) {
        String vendor = exchange.getProperty(InboundRequest.VENDOR, String.class);
        if (vendor == null) {
            throw new IllegalStateException("inbound route must set the exchange property '" + InboundRequest.VENDOR + "'");
        }
        RequestHead head = InboundRequest.head(exchange);
        checkHead(vendor, head);
        verifyBody(vendor, sources.get(vendor).secret(), head, InboundRequest.rawBody(exchange));
    }

    /** Throws {@link ProblemException#unauthenticated} unless the request line or headers prove knowledge of the secret. */
    protected abstract void verifyHead(RequestHead head, byte[] secret);

    /** For vendors that sign the body: throws {@link ProblemException#unauthenticated} unless the signature matches. */
    protected void verifyBody(String vendor, byte[] secret, RequestHead head, byte[] body) {
    }

    /** Time-constant comparison (content-independent; only the length may differ observably). */
    protected static boolean constantTimeEquals(byte[] expected, byte[] provided) {
        return provided != null && java.security.MessageDigest.isEqual(expected, provided);
    }
}

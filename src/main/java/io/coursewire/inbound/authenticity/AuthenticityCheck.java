package io.coursewire.inbound.authenticity;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.coursewire.inbound.InboundRequest;
import io.coursewire.problem.ProblemException;

/**
 * The first step of every inbound route: the vendor is enabled, the body is declared JSON, and the
 * request is authentic. Nothing here parses the body; a failed check ends the exchange with a 4xx.
 */
public abstract class AuthenticityCheck implements Processor {

    private final VendorSources sources;

    protected AuthenticityCheck(VendorSources sources) {
        this.sources = sources;
    }

    @Override
    public void process(Exchange exchange) {
        String vendor = exchange.getProperty(InboundRequest.VENDOR, String.class);
        if (vendor == null) {
            throw new IllegalStateException("inbound route must set the exchange property '" + InboundRequest.VENDOR + "'");
        }
        VendorSources.Source source = sources.get(vendor);
        if (!source.enabled()) {
            throw new ProblemException(404, "unknown-source", "Not Found", "the source '" + vendor + "' is not enabled", java.util.Map.of());
        }
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!InboundRequest.isJson(contentType)) {
            throw ProblemException.unsupportedMediaType("Content-Type must be application/json");
        }
        verify(exchange, source.secret());
    }

    /** Throws {@link ProblemException#unauthenticated} unless the request proves knowledge of the secret. */
    protected abstract void verify(Exchange exchange, byte[] secret);

    /** Time-constant comparison (content-independent; only the length may differ observably). */
    protected static boolean constantTimeEquals(byte[] expected, byte[] provided) {
        return provided != null && java.security.MessageDigest.isEqual(expected, provided);
    }
}

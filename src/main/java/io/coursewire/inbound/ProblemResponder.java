package io.coursewire.inbound;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.jboss.logging.Logger;

import io.coursewire.accept.IngestMetrics;
import io.coursewire.problem.Problem;
import io.coursewire.problem.ProblemException;
import io.coursewire.problem.ProblemJson;

/** Turns the exception that ended an inbound exchange into its problem+json response. */
public class ProblemResponder implements Processor {

    private static final Logger LOG = Logger.getLogger(ProblemResponder.class);

    private final IngestMetrics metrics;

    public ProblemResponder(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        String instance = message.getHeader(Exchange.HTTP_PATH, String.class);
        String vendor = exchange.getProperty(InboundRequest.VENDOR, String.class);
        Problem problem;
        java.util.Map<String, String> extraHeaders = java.util.Map.of();
        if (cause instanceof InvalidPayloadException invalid) {
            problem = Problem.of("invalid-payload", "Bad Request", 400, invalid.getMessage(), instance, invalid.field());
            LOG.debugf("400 from %s: field %s", vendor, invalid.field());
        } else if (cause instanceof ProblemException refusal) {
            problem = refusal.toProblem(instance);
            extraHeaders = refusal.responseHeaders();
            LOG.debugf("%d from %s", refusal.status(), vendor);
        } else {
            // A fault of ours, not the sender's: log it (no payload), answer without internals.
            LOG.errorf(cause, "Unexpected failure handling a webhook from %s", vendor);
            problem = Problem.of("internal", "Internal Server Error", 500,
                    "the event was not accepted; retry later", instance, null);
        }
        metrics.ended(vendor, problem.status() == 503 ? IngestMetrics.Outcome.UNAVAILABLE : IngestMetrics.Outcome.REJECTED,
                exchange.getClock().elapsed());
        message.removeHeaders("*"); // never echo request headers (tokens, signatures) back
        extraHeaders.forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        message.setBody(ProblemJson.toString(problem));
    }
}

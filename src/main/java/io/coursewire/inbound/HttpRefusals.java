package io.coursewire.inbound;

import java.util.Map;

import io.coursewire.problem.Problem;
import io.coursewire.problem.ProblemJson;
import io.vertx.ext.web.RoutingContext;

/** Refusals written straight from the HTTP layer (before a Camel route runs), as problem+json. */
final class HttpRefusals {

    private HttpRefusals() {
    }

    /**
     * Answers with the problem. When the body has not been read (all of it), the connection is closed
     * after the answer: reading on would mean taking in a body nobody wants, and keeping the connection
     * would mean reading it.
     */
    static void send(RoutingContext ctx, Problem problem, Map<String, String> headers) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        var response = ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        boolean unread = !ctx.request().isEnded();
        if (unread) {
            response.putHeader("Connection", "close");
        }
        response.end(ProblemJson.toString(problem));
        if (unread) {
            // Vert.x keeps a keep-alive connection open (and Quarkus resumes reading the request at the
            // end of its response) whatever the header says: closed here, once the answer is written.
            response.close();
        }
    }
}

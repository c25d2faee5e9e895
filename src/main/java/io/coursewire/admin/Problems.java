package io.coursewire.admin;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.coursewire.problem.Problem;
import io.coursewire.problem.ProblemException;
import io.coursewire.problem.ProblemJson;
import io.coursewire.targets.SubscriptionStoreException;

/** The admin API answers every refusal as problem+json, like the webhook endpoints. */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    static Response response(Problem problem, String... headers) {
        Response.ResponseBuilder r = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(ProblemJson.toString(problem));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return r.build();
    }

    static ProblemException notFound(String slug, String detail) {
        return new ProblemException(404, slug, "Not Found", detail, java.util.Map.of());
    }

    @ServerExceptionMapper
    public Response refusal(ProblemException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(ProblemJson.toString(e.toProblem(null)));
        e.responseHeaders().forEach(r::header);
        return r.build();
    }

    /** The database did not answer a subscription change: the caller may retry; the log says why, by SQLState. */
    @ServerExceptionMapper
    public Response subscriptionStoreUnavailable(SubscriptionStoreException e) {
        LOG.warnf("Subscription call answered 503: %s", e.getMessage());
        return refusal(ProblemException.unavailable("the subscription store is unavailable; retry later", 5));
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return response(Problem.of("invalid-request", "Bad Request", 400, "the request body is not valid JSON", null, null));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return response(Problem.of("not-found", "Not Found", 404, "no such resource", null, null));
    }

    @ServerExceptionMapper
    public Response methodNotAllowed(NotAllowedException e) {
        String allow = e.getResponse().getHeaderString("Allow");
        return allow == null ? response(Problem.of("method-not-allowed", "Method Not Allowed", 405, "method not allowed here", null, null))
                : response(Problem.of("method-not-allowed", "Method Not Allowed", 405, "use " + allow, null, null), "Allow", allow);
    }

    @ServerExceptionMapper
    public Response otherRefusal(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return response(Problem.of("internal", "Internal Server Error", 500, "the request failed; retry later", null, null));
        }
        return response(Problem.of("invalid-request", Response.Status.fromStatusCode(status) == null ? "Client Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), status, "the request was not understood", null, null));
    }
}

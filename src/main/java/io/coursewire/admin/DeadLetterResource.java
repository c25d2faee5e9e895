package io.coursewire.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.coursewire.problem.ProblemException;
import io.coursewire.targets.TargetRegistry;

/** The Dead Letter Channel's store, as operators see it: what failed, why, a way to send it again, and to delete it. */
@Path("/v1/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dead letters")
@SecurityScheme(securitySchemeName = "admin-token", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "coursewire.admin.token, as 'Bearer <token>' or 'Token token=<token>'")
@SecurityRequirement(name = "admin-token")
public class DeadLetterResource {

    public record DeadLetters(List<AdminQueries.DeadLetter> deadLetters) {
    }

    public record Replayed(String id, String eventId, String target, boolean replayed) {
    }

    @Inject
    AdminQueries queries;
    @Inject
    TargetRegistry targets;
    @Inject
    io.coursewire.targets.Subscriptions subscriptions;
    @Inject
    ReplayRequests replays;

    @GET
    @Operation(operationId = "listDeadLetters", summary = "Deliveries whose attempts are exhausted (or refused with 410), newest first")
    @APIResponse(responseCode = "200", description = "The dead letters; replayed ones only with include=replayed")
    @APIResponse(responseCode = "400", description = "before is not a dead letter id")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    public DeadLetters list(@QueryParam("target") String target, @QueryParam("include") String include,
            @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("before") @Parameter(description = "Only dead letters older than this id: the next page starts before the last id of this one")
            String before) throws Exception {
        return new DeadLetters(queries.deadLetters(target, "replayed".equals(include), ListingFilters.number("before", before, "a dead letter id"),
                Math.max(1, Math.min(limit, 1000))));
    }

    /** Same listing without a cursor (the console's counts and the replay of a whole target). */
    public DeadLetters list(String target, String include, int limit) throws Exception {
        return list(target, include, limit, null);
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteDeadLetter", summary = "Delete a dead letter (its event and error with it); a replayed one too")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No dead letter with this id")
    public Response delete(@PathParam("id") String id) throws Exception {
        if (!queries.deleteDeadLetter(key(id))) {
            throw unknown(id);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/replay")
    @Operation(operationId = "replayDeadLetter", summary = "Send a dead letter to its target again, as a fresh delivery (attempts start again)")
    @APIResponse(responseCode = "202", description = "The delivery is stored and will be attempted")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No dead letter with this id")
    @APIResponse(responseCode = "409", description = "Its target is no longer configured")
    public Response replay(@PathParam("id") String id) throws Exception {
        long key = key(id);
        AdminQueries.StoredDeadLetter stored = queries.deadLetter(key).orElseThrow(() -> unknown(id));
        AdminQueries.DeadLetter dead = stored.deadLetter();
        if (targets.byName(dead.target()).isEmpty() && subscriptions.target(dead.target()).isEmpty()) {
            throw new ProblemException(409, "target-gone", "Conflict", "target '" + dead.target() + "' is no longer configured",
                    java.util.Map.of());
        }
        replays.send(dead.eventId(), stored.eventAcceptedAt(), dead.target(), stored.payload().getBytes(StandardCharsets.UTF_8));
        queries.markReplayed(key);
        return Response.accepted(new Replayed(dead.id(), dead.eventId(), dead.target(), true)).build();
    }

    /** A dead letter's id; anything but a number names none. */
    private static long key(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw unknown(id);
        }
    }

    private static ProblemException unknown(String id) {
        return Problems.notFound("unknown-dead-letter", "no dead letter " + id);
    }
}

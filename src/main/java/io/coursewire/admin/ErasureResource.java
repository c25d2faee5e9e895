package io.coursewire.admin;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.erasure.ErasureAudit;
import io.coursewire.erasure.Erasures;
import io.coursewire.erasure.LearnerIdentity;
import io.coursewire.problem.ProblemException;

/**
 * A learner's right to be forgotten (PRODUCT.md §10): erase everything stored of one learner, known by
 * email or by a vendor and the learner's id there. The answer and the audit listing give counts and a
 * one-way hash, never the data or the identifier. The body is read by hand, so a refusal names its field.
 */
@Path("/v1/erasures")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Erasures", description = "A learner's right to be forgotten")
@SecurityRequirement(name = "admin-token")
public class ErasureResource {

    static final int MAX_EMAIL = 320;
    static final int MAX_VENDOR = 64;
    static final int MAX_LEARNER_ID = 256;

    @Schema(name = "ErasureRequest", description = "Either email, or vendor with learnerId")
    public record ErasureRequest(
            @Schema(maxLength = MAX_EMAIL, description = "The learner's email; compared trimmed and in lower case") String email,
            @Schema(maxLength = MAX_VENDOR, description = "The vendor (tagmango, thinkific, toolzz, …), with learnerId") String vendor,
            @Schema(maxLength = MAX_LEARNER_ID, description = "The learner's id at that vendor") String learnerId) {
    }

    /** What an erasure found and changed: counts, and the files an operator may want to look at. */
    public record Erased(
            @Schema(description = "The audit entry's id") String erasure,
            @Schema(description = "Events removed (each with every record of it)") int events,
            @Schema(description = "Delivery attempts removed") int attempts,
            @Schema(description = "Dead letters removed") int deadLetters,
            @Schema(description = "Deliveries still pending (queued, waiting retries, unrouted events) cancelled") long pendingCancelled,
            @Schema(description = "Files of file targets that hold the learner's events: listed, not touched") List<String> files,
            @Schema(description = "True when there were more files than listed") boolean filesTruncated) {
    }

    public record Audit(List<ErasureAudit.Entry> erasures) {
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ErasureResource.class);

    @Inject
    Erasures erasures;

    @POST
    @Operation(operationId = "eraseLearner", summary = "Erase a learner: every stored event, attempt and dead letter removed, pending deliveries cancelled")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErasureRequest.class)))
    @APIResponse(responseCode = "200", description = "Erased: what was found and changed, as counts; files of file targets listed, not touched")
    @APIResponse(responseCode = "400", description = "Not exactly one of email, or vendor with learnerId (the detail names the field)")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "503", description = "The broker or the database did not answer; nothing is lost by asking again")
    public Erased erase(String body) throws Exception {
        LearnerIdentity who = identity(body);
        Erasures.Outcome outcome;
        try {
            outcome = erasures.erase(who);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("shutting down; ask again", 5);
        } catch (Exception e) {
            // What failed is told by its kind: a message could carry a key, never the identifier, but the log keeps to the kind.
            LOG.warnf("An erasure could not be completed: %s; it may be asked again (what was removed stays removed)", e.getClass().getName());
            LOG.debug("erasure failure", e);
            throw ProblemException.unavailable("the erasure could not be completed (" + e.getClass().getSimpleName() + "); ask again", 5);
        }
        return new Erased(outcome.erasure(), outcome.events(), outcome.attempts(), outcome.deadLetters(), outcome.pendingCancelled(),
                outcome.files(), outcome.filesTruncated());
    }

    @GET
    @Operation(operationId = "listErasures", summary = "The audit trail of erasures, newest first: one-way hashes and counts, never identifiers")
    @APIResponse(responseCode = "200", description = "The erasures")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    public Audit list(@QueryParam("limit") @DefaultValue("100") int limit) throws Exception {
        return new Audit(erasures.list(Math.max(1, Math.min(limit, 1000))));
    }

    /** Exactly one form: {@code email}, or {@code vendor} with {@code learnerId}; anything else is a 400 naming the field. */
    static LearnerIdentity identity(String body) {
        JsonNode fields;
        try {
            fields = body == null || body.isBlank() ? null : CanonicalJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            fields = null;
        }
        if (fields == null || !fields.isObject()) {
            throw new ProblemException(400, "invalid-request", "Bad Request",
                    "the body must be a JSON object: {\"email\": \"…\"} or {\"vendor\": \"…\", \"learnerId\": \"…\"}", Map.of());
        }
        String email = text(fields, "email", MAX_EMAIL);
        String vendor = text(fields, "vendor", MAX_VENDOR);
        String learnerId = text(fields, "learnerId", MAX_LEARNER_ID);
        if (email != null) {
            if (vendor != null || learnerId != null) {
                throw invalid(vendor != null ? "vendor" : "learnerId", "give either email, or vendor with learnerId, not both");
            }
            return LearnerIdentity.byEmail(email);
        }
        if (vendor == null && learnerId == null) {
            throw invalid("email", "is required (or vendor with learnerId)");
        }
        if (vendor == null) {
            throw invalid("vendor", "is required with learnerId");
        }
        if (learnerId == null) {
            throw invalid("learnerId", "is required with vendor");
        }
        return LearnerIdentity.byLearner(vendor, learnerId);
    }

    /** A string field, trimmed; absent, JSON null and blank are none; another JSON type is refused. */
    private static String text(JsonNode fields, String name, int maxLength) {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(name, "must be a string");
        }
        String text = value.textValue().trim();
        if (text.length() > maxLength) {
            throw invalid(name, "must be at most " + maxLength + " characters");
        }
        return text.isEmpty() ? null : text;
    }

    private static ProblemException invalid(String field, String why) {
        return new ProblemException(400, "invalid-erasure", "Bad Request", field + ": " + why, Map.of());
    }
}

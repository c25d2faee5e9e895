package io.coursewire.admin;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.coursewire.problem.ProblemException;
import io.coursewire.targets.InvalidTargetsException;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetsFile;

/**
 * The targets file as operators check it (§4): a candidate {@code targets.yaml} is read and checked
 * exactly as the running service would read it, and nothing is applied.
 */
@Path("/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Targets")
@SecurityRequirement(name = "admin-token")
public class TargetResource {

    /** The targets a valid file declares, as the admin API shows them (secrets and header values masked). */
    public record Validated(boolean valid, List<Map<String, Object>> targets) {
    }

    @POST
    @Path("/validate")
    @Consumes({ "application/yaml", "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN })
    @Operation(summary = "Check a candidate targets.yaml without applying it")
    @APIResponse(responseCode = "200", description = "The file is valid; the targets it declares, secrets masked")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "415", description = "The body is not sent as application/yaml")
    @APIResponse(responseCode = "422", description = "The file is invalid; the detail names the entry and the key")
    public Validated validate(String yaml) {
        try {
            return new Validated(true, TargetsFile.parse(yaml == null ? "" : yaml).stream().map(Target::describe).toList());
        } catch (InvalidTargetsException e) {
            throw new ProblemException(422, "invalid-targets", "Unprocessable Content", e.getMessage(), Map.of());
        }
    }
}

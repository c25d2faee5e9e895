package io.coursewire.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.coursewire.delivery.PendingDeliveries;
import io.coursewire.problem.ProblemException;
import io.coursewire.targets.InvalidTargetsException;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetRegistry;
import io.coursewire.targets.Subscription;
import io.coursewire.targets.Subscriptions;
import io.coursewire.delivery.CircuitBreakers;
import io.coursewire.targets.TargetsFile;

/**
 * The targets as operators see and check them (§4): what is in force, from which file since when, the
 * last version refused and why, and removed targets whose deliveries are still pending; and a candidate
 * {@code targets.yaml} read and checked exactly as the running service would read it, nothing applied.
 */
@Path("/v1/targets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Targets")
@SecurityRequirement(name = "admin-token")
public class TargetResource {

    /** The targets a valid file declares, as the admin API shows them (secrets and header values masked). */
    public record Validated(boolean valid, List<Map<String, Object>> targets) {
    }

    /** A version of the file that was refused; the targets loaded before it stayed in force. */
    public record Refused(String error, Instant at) {
    }

    /** A target no longer in the file whose deliveries wait for a target of that name to come back. */
    public record Removed(String name, long pending) {
    }

    /**
     * The REST Hook subscribers together (each one's own state is in its hook's listing): how many, their
     * deliveries waiting on the broker, and how many circuits are closed, half-open and open.
     */
    public record Subscribers(int count, long pending, Map<String, Long> circuits) {
    }

    /**
     * What is in force: each active target with its pending deliveries and its circuit, the subscribers,
     * and what the file's last reads left.
     */
    public record InForce(String file, Instant loadedAt, List<Map<String, Object>> targets, Subscribers subscriptions, Refused lastRefused,
            List<Removed> removed) {
    }

    @Inject
    TargetRegistry registry;
    @Inject
    TargetsFile reader;
    @Inject
    PendingDeliveries pending;
    @Inject
    CircuitBreakers circuits;
    @Inject
    Subscriptions subscriptions;

    @GET
    @Operation(summary = "The targets in force with their pending deliveries and circuits, the subscribers together, the last refused version of the file, and removed targets with pending deliveries")
    @APIResponse(responseCode = "200", description = "Secrets, header values and URL query values masked")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    public InForce inForce() {
        TargetRegistry.Active active = registry.active();
        Map<String, Long> waiting = pending.byTarget();
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Target target : active.targets()) {
            Map<String, Object> described = target.describe();
            described.put("pending", waiting.getOrDefault(target.name(), 0L));
            described.put("circuit", circuits.state(target.name()).label());
            targets.add(described);
        }
        List<Removed> removed = new ArrayList<>();
        waiting.forEach((name, count) -> {
            if (count > 0 && !active.byName().containsKey(name)) {
                removed.add(new Removed(name, count));
            }
        });
        Refused refused = registry.lastRefused().map(r -> new Refused(r.error(), r.at())).orElse(null);
        Map<String, Long> states = new java.util.LinkedHashMap<>();
        long tripped = 0;
        for (Map.Entry<CircuitBreakers.State, Long> e : circuits.counts(Subscription::isSubscription).entrySet()) {
            if (e.getKey() != CircuitBreakers.State.CLOSED) {
                states.put(e.getKey().label(), e.getValue());
                tripped += e.getValue();
            }
        }
        states.put(CircuitBreakers.State.CLOSED.label(), Math.max(0, subscriptions.count() - tripped));
        Subscribers subscribers = new Subscribers(subscriptions.count(), pending.subscribers(), states);
        return new InForce(registry.file().toString(), active.loadedAt(), targets, subscribers, refused, removed);
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
            return new Validated(true, reader.parse(yaml == null ? "" : yaml).stream().map(Target::describe).toList());
        } catch (InvalidTargetsException e) {
            throw new ProblemException(422, "invalid-targets", "Unprocessable Content", e.getMessage(), Map.of());
        }
    }
}

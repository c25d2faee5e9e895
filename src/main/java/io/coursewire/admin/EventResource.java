package io.coursewire.admin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.channel.RoutedEvent;
import io.coursewire.targets.Target;
import io.coursewire.routing.RecipientResolver;
import io.coursewire.targets.TargetRegistry;
import io.coursewire.canonical.CanonicalJson;

/** One event as operators inspect it: the canonical event and, per target, every attempt. */
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
@SecurityRequirement(name = "admin-token")
public class EventResource {

    public record Delivery(String target, String state, List<AdminQueries.Attempt> attempts) {
    }

    public record EventView(String id, String vendor, String type, String time, String routedAt, JsonNode event,
            List<Delivery> deliveries) {
    }

    public record Replayed(String id, List<String> targets) {
    }

    /** An event as listed: enough to recognise it; the whole of it is {@code GET /api/v1/events/{id}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listed(String id, String vendor, String type, String time, Course course) {
    }

    public record Course(String id, String title) {
    }

    /** One page, newest first; {@code next}, when there are older ones, is the {@code before} of the next page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<Listed> events, String next) {
    }

    static final int MOST_LISTED = 200;


    /** The optional body {"target": "…"}; any content type, since curl users often send none. */
    private static String targetIn(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode target = CanonicalJson.MAPPER.readTree(body).path("target");
            return target.isTextual() ? target.asText() : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new io.coursewire.problem.ProblemException(400, "invalid-request", "Bad Request",
                    "the body is not JSON like {\"target\": \"crm\"}", java.util.Map.of());
        }
    }

    @Inject
    AdminQueries queries;
    @Inject
    TargetRegistry targets;
    @Inject
    io.coursewire.targets.Subscriptions subscriptions;
    @Inject
    RecipientResolver recipients;
    @Inject
    ReplayRequests replays;

    @GET
    @Operation(operationId = "listEvents", summary = "The routed events, newest first, filtered by vendor, type, course, event id and time")
    @APIResponse(responseCode = "200", description = "A page of events; next names the page after it")
    @APIResponse(responseCode = "400", description = "A filter is malformed (the detail names it)")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    public Page list(@QueryParam("vendor") String vendor, @QueryParam("type") String type, @QueryParam("course") String course,
            @QueryParam("id") String id,
            @QueryParam("from") @Parameter(description = "ISO date (its whole day, UTC) or instant; events at or after it") String from,
            @QueryParam("to") @Parameter(description = "ISO date (its whole day, UTC) or instant; events before it") String to,
            @QueryParam("before") @Parameter(description = "The next of the previous page") String before,
            @QueryParam("limit") @DefaultValue("50") int limit) throws Exception {
        int size = Math.max(1, Math.min(limit, MOST_LISTED));
        AdminQueries.EventFilter filter = new AdminQueries.EventFilter(blankToNull(vendor), blankToNull(type), blankToNull(course),
                blankToNull(id), ListingFilters.micros("from", from, false), ListingFilters.micros("to", to, true),
                ListingFilters.number("before", before, "the next of a previous page"));
        List<AdminQueries.EventRow> rows = queries.events(filter, size + 1);
        List<Listed> listed = new ArrayList<>(Math.min(size, rows.size()));
        for (AdminQueries.EventRow row : rows.subList(0, Math.min(size, rows.size()))) {
            JsonNode c = CanonicalJson.MAPPER.readTree(row.payload()).path("data").path("course");
            listed.add(new Listed(row.id(), row.vendor(), row.type(), row.time(),
                    c.isObject() ? new Course(c.path("id").asText(null), c.path("title").asText(null)) : null));
        }
        return new Page(listed, rows.size() > size ? Long.toString(rows.get(size - 1).seq()) : null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "The event and each target's delivery attempts (time, status or error, outcome)")
    @APIResponse(responseCode = "200", description = "The event")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such event (not yet routed, or never accepted)")
    public EventView get(@PathParam("id") String id) throws Exception {
        AdminQueries.StoredEvent event = queries.event(id).orElseThrow(() -> Problems.notFound("unknown-event", "no event " + id));
        List<Delivery> deliveries = new ArrayList<>();
        for (Map.Entry<String, List<AdminQueries.Attempt>> e : queries.attempts(event).entrySet()) {
            List<AdminQueries.Attempt> attempts = e.getValue();
            deliveries.add(new Delivery(e.getKey(), attempts.get(attempts.size() - 1).outcome(), attempts));
        }
        JsonNode canonical = CanonicalJson.MAPPER.readTree(event.payload());
        return new EventView(id, event.vendor() != null ? event.vendor() : canonical.path("data").path("vendor").asText(null),
                event.type() != null ? event.type() : canonical.path("type").asText(null),
                event.time() != null ? event.time() : canonical.path("time").asText(null), event.routedAt(), canonical, deliveries);
    }

    @POST
    @Path("/{id}/replay")
    @Operation(operationId = "replayEvent", summary = "Send the event again: to one target (body {\"target\": …} or ?target=), or to every target whose conditions hold")
    @APIResponse(responseCode = "202", description = "The deliveries are stored and will be attempted")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such event, or no such target")
    public Response replay(@PathParam("id") String id, @QueryParam("target") String targetParam, String body) throws Exception {
        // The body is read only once the event is found: an unknown event is a 404 whatever the body.
        return Response.accepted(new Replayed(id, replayTo(id, () -> targetParam != null ? targetParam : targetIn(body)))).build();
    }

    /**
     * Sends the event again to {@code only}, or (null) to every target whose conditions hold; the
     * names of the targets it went to. Shared with the operator console, so both replay alike.
     */
    public List<String> replayTo(String id, String only) throws Exception {
        return replayTo(id, () -> only);
    }

    private List<String> replayTo(String id, java.util.function.Supplier<String> targetName) throws Exception {
        AdminQueries.StoredEvent event = queries.event(id).orElseThrow(() -> Problems.notFound("unknown-event", "no event " + id));
        byte[] json = event.payload().getBytes(StandardCharsets.UTF_8);
        String only = targetName.get();
        List<Target> chosen;
        if (only != null) {
            chosen = List.of(targets.byName(only).or(() -> subscriptions.target(only)).orElseThrow(() -> Problems.notFound("unknown-target", "no target named '" + only + "'")));
        } else {
            RoutedEvent routed = RoutedEvent.parse(json);
            chosen = recipients.targetsFor(routed);
        }
        for (Target target : chosen) {
            replays.send(id, event.acceptedAt(), target.name(), json);
        }
        return chosen.stream().map(Target::name).toList();
    }
}

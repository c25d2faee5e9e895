package io.coursewire.admin;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.delivery.CircuitBreakers;
import io.coursewire.problem.ProblemException;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.HttpTargetKind;
import io.coursewire.targets.PrivateNetworkGuard;
import io.coursewire.targets.RestHookEvent;
import io.coursewire.targets.Subscription;
import io.coursewire.targets.Subscriptions;

/**
 * REST Hook subscriptions (§5), the shape Zapnito offers its own subscribers, so that tools such as
 * Zapier subscribe and unsubscribe unchanged. The body is read by hand rather than bound, so that each
 * refusal names its field and a number is not quietly taken for a string; fields besides these four
 * are ignored, since such tools send more. Tokens, secrets and the values in a URL's query are never
 * shown or logged.
 */
@Path("/v1/rest_hooks/{event}/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Subscriptions", description = "REST Hooks: HTTP subscribers that register themselves at run time")
@SecurityRequirement(name = "admin-token")
public class SubscriptionResource {

    static final int MAX_URL = 2048;
    static final int MAX_AUTHORIZATION_TOKEN = 1024;
    static final int MAX_COURSE = 256;
    static final int MAX_SECRET = 256;

    /** What a subscribe call sends; documents the body, which is read field by field. */
    @Schema(name = "NewSubscription")
    public record NewSubscription(
            @Schema(required = true, maxLength = MAX_URL, description = "Absolute http or https URL; not on a loopback, link-local or private address")
            String url,
            @JsonProperty("authorization_token")
            @Schema(maxLength = MAX_AUTHORIZATION_TOKEN, description = "Sent with each event as Authorization: Token token=<authorization_token>")
            String authorizationToken,
            @Schema(maxLength = MAX_COURSE, description = "Only this course's events (its id)")
            String course,
            @Schema(maxLength = MAX_SECRET, description = "whsec_…: each event is signed per Standard Webhooks")
            String secret) {
    }

    public record Created(String id) {
    }

    /** A subscription as listed: never its token or secret, only whether it has them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listed(String id, String event, String url, String course, boolean signed, boolean authenticated,
            @JsonProperty("created_at") Instant createdAt,
            @Schema(enumeration = { "closed", "half-open", "open" }) String circuit) {
    }

    @Inject
    Subscriptions subscriptions;
    @Inject
    PrivateNetworkGuard guard;
    @Inject
    CircuitBreakers circuits;

    @GET
    @Operation(operationId = "listSubscriptions", summary = "The hook's subscriptions, oldest first")
    @APIResponse(responseCode = "200", description = "Tokens and secrets never shown; URL query values masked")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such hook")
    public List<Listed> list(@PathParam("event") @Parameter(schema = @Schema(type = SchemaType.STRING, enumeration = {
            "course_enrolled", "course_progressed", "course_completed", "course_participation_updated" })) String event) {
        return subscriptions.list(hook(event)).stream().map(this::listed).toList();
    }

    @POST
    @Operation(summary = "Subscribe a URL to the hook's events")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NewSubscription.class)))
    @APIResponse(responseCode = "201", description = "Subscribed; the body holds its id, Location its URL",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "400", description = "The body is not JSON, or a field is wrong (the detail names it), or the URL is on a refused network")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such hook")
    @APIResponse(responseCode = "503", description = "The subscription store is unavailable; retry later")
    public Response subscribe(@PathParam("event") String event, String body, @Context UriInfo uriInfo) {
        RestHookEvent hook = hook(event);
        JsonNode fields = jsonObject(body);
        String url = text(fields, "url", MAX_URL).orElseThrow(() -> invalid("url", "is required"));
        URI uri;
        try {
            uri = HttpTargetKind.httpUrl(url);
        } catch (IllegalArgumentException e) {
            throw invalid("url", e.getMessage());
        }
        Optional<String> token = text(fields, "authorization_token", MAX_AUTHORIZATION_TOKEN);
        if (token.isPresent() && token.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("authorization_token", "must be one line of text (it is sent in a header)");
        }
        Optional<String> course = text(fields, "course", MAX_COURSE);
        Optional<String> secret = text(fields, "secret", MAX_SECRET);
        try {
            secret.ifPresent(HttpTargetKind::webhookSecret);
        } catch (IllegalArgumentException e) {
            throw invalid("secret", e.getMessage());
        }
        guard.refusal(uri).ifPresent(why -> {
            throw invalid("url", why + "; subscribers on loopback, link-local or private networks are refused"
                    + " (coursewire.subscriptions.allow-private-networks)");
        });
        Subscription subscription = subscriptions.subscribe(hook, uri, token, course, secret);
        String id = Long.toString(subscription.id());
        return Response.created(uriInfo.getAbsolutePathBuilder().path(id).build()).entity(new Created(id)).build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Unsubscribe")
    @APIResponse(responseCode = "204", description = "Unsubscribed")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such hook, or no subscription with this id to it")
    @APIResponse(responseCode = "503", description = "The subscription store is unavailable; retry later")
    public Response unsubscribe(@PathParam("event") String event, @PathParam("id") String id) {
        RestHookEvent hook = hook(event);
        long key;
        try {
            key = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw noSubscription(hook, id);
        }
        // Its circuit breaker goes with it: SubscriptionCircuits hears of every removal.
        if (!subscriptions.unsubscribe(hook, key)) {
            throw noSubscription(hook, id);
        }
        return Response.noContent().build();
    }

    private Listed listed(Subscription s) {
        return new Listed(Long.toString(s.id()), s.event().path(), HttpTarget.maskedQuery(s.url()), s.course().orElse(null),
                s.secret().isPresent(), s.authorizationToken().isPresent(), s.createdAt(), circuits.state(s.targetName()).label());
    }

    private static RestHookEvent hook(String event) {
        return RestHookEvent.fromPath(event).orElseThrow(() -> Problems.notFound("unknown-hook", "no REST hook '" + event + "'; the hooks are "
                + Arrays.stream(RestHookEvent.values()).map(RestHookEvent::path).collect(Collectors.joining(", "))));
    }

    private static ProblemException noSubscription(RestHookEvent hook, String id) {
        return Problems.notFound("unknown-subscription", "no subscription " + id + " to " + hook.path());
    }

    private static JsonNode jsonObject(String body) {
        JsonNode fields;
        try {
            fields = body == null || body.isBlank() ? null : CanonicalJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            fields = null;
        }
        if (fields == null || !fields.isObject()) {
            throw new ProblemException(400, "invalid-request", "Bad Request", "the body must be a JSON object like {\"url\": \"https://…\"}",
                    Map.of());
        }
        return fields;
    }

    /** An optional string field; null and "" are absent, as form-filling tools send them for blank fields. */
    private static Optional<String> text(JsonNode fields, String name, int maxLength) {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(name, "must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw invalid(name, "must be at most " + maxLength + " characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static ProblemException invalid(String field, String why) {
        return new ProblemException(400, "invalid-subscription", "Bad Request", field + ": " + why, Map.of());
    }
}

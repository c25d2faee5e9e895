package io.coursewire.admin;

import java.net.URI;
import java.sql.SQLException;
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
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.delivery.CircuitBreakers;
import io.coursewire.problem.ProblemException;
import io.coursewire.targets.CloudEventsMode;
import io.coursewire.targets.HttpTarget;
import io.coursewire.targets.HttpTargetKind;
import io.coursewire.targets.PrivateNetworkGuard;
import io.coursewire.targets.RestHookEvent;
import io.coursewire.targets.Subscription;
import io.coursewire.targets.Subscriptions;

/**
 * REST Hook subscriptions (§5), the shape Zapnito offers its own subscribers, so that tools such as
 * Zapier subscribe and unsubscribe unchanged. The body is read by hand rather than bound, so that each
 * refusal names its field and a number is not quietly taken for a string; fields besides these five
 * are ignored, since such tools send more. Tokens, secrets and the values in a URL's query are never
 * shown or logged.
 */
@Path("/v1/rest_hooks/{event}/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Subscriptions", description = "REST Hooks: HTTP subscribers that register themselves at run time")
@SecurityRequirement(name = "admin-token")
public class SubscriptionResource {

    private static final Logger LOG = Logger.getLogger(SubscriptionResource.class);

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
            String secret,
            @Schema(enumeration = { "json", "structured", "binary" }, defaultValue = "json",
                    description = "How each event is carried: json (as REST Hooks and Zapier expect), or the CloudEvents HTTP binding's"
                            + " structured or binary mode")
            String cloudevents) {
    }

    /** The new subscription's id, and the CloudEvents mode it was given (json unless asked for). */
    public record Created(String id, @Schema(enumeration = { "json", "structured", "binary" }) String cloudevents) {
    }

    /** A subscription as listed: never its token or secret, only whether it has them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listed(String id, String event, String url, String course, boolean signed, boolean authenticated,
            @Schema(enumeration = { "json", "structured", "binary" }) String cloudevents,
            @JsonProperty("created_at") Instant createdAt,
            @Schema(enumeration = { "closed", "half-open", "open" }) String circuit,
            @JsonProperty("last_delivery") @Schema(description = "The newest delivery attempt to it; absent before the first")
            LastDelivery lastDelivery) {
    }

    /** A subscription's newest attempt: {@code status} when the subscriber answered, {@code error} when it failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LastDelivery(Instant at, Integer status,
            @Schema(enumeration = { "delivered", "retrying", "dead" }) String outcome, String error) {
    }

    @Inject
    Subscriptions subscriptions;
    @Inject
    PrivateNetworkGuard guard;
    @Inject
    CircuitBreakers circuits;
    @Inject
    AdminQueries queries;

    @GET
    @Operation(operationId = "listSubscriptions", summary = "The hook's subscriptions, oldest first")
    @APIResponse(responseCode = "200", description = "Tokens and secrets never shown; URL query values masked")
    @APIResponse(responseCode = "401", description = "No or a wrong admin token")
    @APIResponse(responseCode = "404", description = "No such hook")
    public List<Listed> list(@PathParam("event") @Parameter(schema = @Schema(type = SchemaType.STRING, enumeration = {
            "course_enrolled", "course_progressed", "course_completed", "course_participation_updated" })) String event) {
        List<Subscription> listed = subscriptions.list(hook(event));
        Map<String, AdminQueries.Attempt> last = lastAttempts(listed);
        return listed.stream().map(s -> listed(s, last.get(s.targetName()))).toList();
    }

    /**
     * The hook's subscriptions' newest attempts, in one query. Without the database the listing is still
     * given (it comes from memory, as deliveries do), only without them.
     */
    private Map<String, AdminQueries.Attempt> lastAttempts(List<Subscription> listed) {
        try {
            return queries.lastAttempts(listed.stream().map(Subscription::targetName).toList());
        } catch (SQLException e) {
            LOG.warnf("Subscriptions listed without their last deliveries: %s", e.getMessage());
            return Map.of();
        }
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
        hook(event); // an unknown hook is 404 whatever the body
        JsonNode fields = jsonObject(body);
        Subscription subscription = create(event, new NewSubscription(string(fields, "url"), string(fields, "authorization_token"),
                string(fields, "course"), string(fields, "secret"), string(fields, "cloudevents")));
        String id = Long.toString(subscription.id());
        return Response.created(uriInfo.getAbsolutePathBuilder().path(id).build())
                .entity(new Created(id, subscription.cloudevents().label())).build();
    }

    /**
     * Checks a new subscription and stores it: what {@code POST} does once the body is read, and what
     * the console's form does, so that both refuse the same subscriptions with the same words.
     * Null and "" fields are absent.
     *
     * @throws ProblemException 404 for an unknown hook, 400 naming the field that is wrong, 503 when
     *         the store is unavailable
     */
    public Subscription create(String event, NewSubscription fields) {
        RestHookEvent hook = hook(event);
        String url = text("url", fields.url(), MAX_URL).orElseThrow(() -> invalid("url", "is required"));
        URI uri;
        try {
            uri = HttpTargetKind.httpUrl(url);
        } catch (IllegalArgumentException e) {
            throw invalid("url", e.getMessage());
        }
        Optional<String> token = text("authorization_token", fields.authorizationToken(), MAX_AUTHORIZATION_TOKEN);
        if (token.isPresent() && token.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid("authorization_token", "must be one line of text (it is sent in a header)");
        }
        Optional<String> course = text("course", fields.course(), MAX_COURSE);
        Optional<String> secret = text("secret", fields.secret(), MAX_SECRET);
        try {
            secret.ifPresent(HttpTargetKind::webhookSecret);
        } catch (IllegalArgumentException e) {
            throw invalid("secret", e.getMessage());
        }
        CloudEventsMode cloudevents = fields.cloudevents() == null || fields.cloudevents().isEmpty() ? CloudEventsMode.DEFAULT
                : CloudEventsMode.fromLabel(fields.cloudevents())
                        .orElseThrow(() -> invalid("cloudevents", "must be " + CloudEventsMode.choices()));
        guard.refusal(uri).ifPresent(why -> {
            throw invalid("url", why + "; subscribers on loopback, link-local or private networks are refused"
                    + " (coursewire.subscriptions.allow-private-networks)");
        });
        return subscriptions.subscribe(hook, uri, token, course, secret, cloudevents);
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

    private Listed listed(Subscription s, AdminQueries.Attempt last) {
        return new Listed(Long.toString(s.id()), s.event().path(), HttpTarget.maskedQuery(s.url()), s.course().orElse(null),
                s.secret().isPresent(), s.authorizationToken().isPresent(), s.cloudevents().label(), s.createdAt(), circuits.state(s.targetName()).label(),
                last == null ? null : new LastDelivery(Instant.parse(last.at()), last.status(), last.outcome(), last.error()));
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

    /** A string field, null when absent or JSON null; any other JSON type is refused rather than taken for a string. */
    private static String string(JsonNode fields, String name) {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(name, "must be a string");
        }
        return value.textValue();
    }

    /** An optional field; null and "" are absent, as form-filling tools send them for blank fields. */
    private static Optional<String> text(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > maxLength) {
            throw invalid(name, "must be at most " + maxLength + " characters");
        }
        return Optional.of(value);
    }

    private static ProblemException invalid(String field, String why) {
        return new ProblemException(400, "invalid-subscription", "Bad Request", field + ": " + why, Map.of());
    }
}

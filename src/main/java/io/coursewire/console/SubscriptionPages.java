package io.coursewire.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.coursewire.admin.SubscriptionResource;
import io.coursewire.problem.ProblemException;
import io.coursewire.targets.CloudEventsMode;
import io.coursewire.targets.RestHookEvent;
import io.coursewire.targets.Subscription;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.ext.web.RoutingContext;

/**
 * The REST Hook subscriptions, by hook, with a form to subscribe and a button to unsubscribe. They show
 * and do only what the admin API does, through its own methods: {@link SubscriptionResource#list} (URL
 * query values masked, tokens and secrets never given), {@link SubscriptionResource#create} (the same
 * checks as {@code POST}) and {@link SubscriptionResource#unsubscribe}. Run on worker threads.
 */
@ApplicationScoped
public class SubscriptionPages {

    static final String PATH = "/console/subscriptions";
    /** The form's choices of {@code cloudevents}, the default first. */
    private static final List<String> MODES = Arrays.stream(CloudEventsMode.values()).map(CloudEventsMode::label).toList();

    @TemplateData
    public record Row(String id, String event, String url, String course, boolean signed, boolean authenticated, String cloudevents,
            String createdAt, String circuit, Last last) {
    }

    /** The newest attempt: {@code result} is the HTTP status, or else the error. */
    @TemplateData
    public record Last(String at, String result, String outcome) {
    }

    @TemplateData
    public record Section(String event, List<Row> rows) {
    }

    /** What the form holds again after a refusal: never the token or the secret. */
    @TemplateData
    public record Entered(String event, String url, String course, String cloudevents) {
    }

    @Inject
    SubscriptionResource resource;
    @Inject
    EventPages pages;
    @Inject
    @Location("console/subscriptions.html")
    Template page;

    void list(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String filter = EventPages.param(ctx, "event");
            try {
                render(ctx, 200, filter, new Entered(filter.isEmpty() ? RestHookEvent.COURSE_COMPLETED.path() : filter, "", "",
                        CloudEventsMode.DEFAULT.label()), null);
            } catch (ProblemException e) {
                pages.problem(ctx, e);
            }
        });
    }

    /** The form checked and stored as {@code POST /api/v1/rest_hooks/{event}/subscriptions} does. */
    void create(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String event = form(ctx, "event");
            Entered entered = new Entered(event, form(ctx, "url"), form(ctx, "course"), form(ctx, "cloudevents"));
            Subscription created;
            try {
                // The token and the secret as typed: they are sent or signed with byte for byte.
                created = resource.create(event, new SubscriptionResource.NewSubscription(entered.url(),
                        ctx.request().getFormAttribute("authorization_token"), entered.course(), ctx.request().getFormAttribute("secret"),
                        entered.cloudevents()));
            } catch (ProblemException e) {
                render(ctx, e.status(), "", entered, e.getMessage());
                return;
            }
            session(ctx).notice("Subscription " + created.id() + " to " + created.event().path() + " created");
            // Its hook's list at the notice: without a fragment of its own, the browser would keep the form's #subscribe.
            ConsoleRouter.redirect(ctx, PATH + "?event=" + created.event().path() + "#notice");
        });
    }

    /** One subscription removed as {@code DELETE /api/v1/rest_hooks/{event}/subscriptions/{id}} does; a 404 is a notice. */
    void delete(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String event = ctx.pathParam("event");
            String id = ctx.pathParam("id");
            try {
                resource.unsubscribe(event, id);
                session(ctx).notice("Subscription " + id + " to " + event + " deleted");
            } catch (ProblemException e) {
                session(ctx).notice("Subscription " + id + " not deleted: " + e.getMessage());
            }
            String back = form(ctx, "back-event");
            ConsoleRouter.redirect(ctx, RestHookEvent.fromPath(back).isPresent() ? PATH + "?event=" + back : PATH);
        });
    }

    private void render(RoutingContext ctx, int status, String filter, Entered entered, String error) {
        List<Section> sections = new ArrayList<>();
        for (RestHookEvent hook : RestHookEvent.values()) {
            if (filter.isEmpty() || filter.equals(hook.path())) {
                sections.add(new Section(hook.path(), resource.list(hook.path()).stream().map(SubscriptionPages::row).toList()));
            }
        }
        if (sections.isEmpty()) {
            resource.list(filter); // the API's own 404, naming the hooks
        }
        ConsoleRouter.page(ctx, status, page.data("filter", filter).data("hooks", hooks()).data("modes", MODES).data("sections", sections)
                .data("entered", entered).data("error", error));
    }

    private static Row row(SubscriptionResource.Listed s) {
        SubscriptionResource.LastDelivery d = s.lastDelivery();
        Last last = d == null ? null
                : new Last(d.at().toString(), d.status() != null ? "HTTP " + d.status() : d.error() == null ? "—" : d.error(), d.outcome());
        return new Row(s.id(), s.event(), s.url(), s.course() == null ? "—" : s.course(), s.signed(), s.authenticated(), s.cloudevents(),
                s.createdAt().toString(), s.circuit(), last);
    }

    private static List<String> hooks() {
        return Arrays.stream(RestHookEvent.values()).map(RestHookEvent::path).toList();
    }

    private static String form(RoutingContext ctx, String name) {
        String v = ctx.request().getFormAttribute(name);
        return v == null ? "" : v.trim();
    }

    private static ConsoleSessions.Session session(RoutingContext ctx) {
        return ctx.get(ConsoleRouter.SESSION);
    }
}

package io.coursewire.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.admin.EventResource;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.EventType;
import io.coursewire.problem.ProblemException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.ext.web.RoutingContext;

/**
 * The events list and one event's page, and its replay. They show and do only what the admin API
 * does, through its own methods: {@link EventResource#list} for the list, {@link EventResource#get} for
 * an event and {@link EventResource#replayTo} for its replay. Run on worker threads (they read the database).
 */
@ApplicationScoped
public class EventPages {

    static final int PAGE_SIZE = 50;
    private static final Logger LOG = Logger.getLogger(EventPages.class);
    private static final List<String> TYPES = Arrays.stream(EventType.values()).map(EventType::value).toList();

    @TemplateData
    public record Filter(String vendor, String type, String course, String id, String from, String to) {
    }

    @TemplateData
    public record Line(String time, String vendor, String type, String course, String id, String href) {
    }

    @TemplateData
    public record Shown(String id, String vendor, String type, String time, String routedAt) {
    }

    @TemplateData
    public record Step(int attempt, String at, int durationMs, String result, String outcome) {
    }

    @TemplateData
    public record Delivery(String target, String state, List<Step> attempts) {
    }

    @Inject
    EventResource events;
    @Inject
    @Location("console/events.html")
    Template list;
    @Inject
    @Location("console/event.html")
    Template one;
    @Inject
    @Location("console/message.html")
    Template message;

    void events(RoutingContext ctx) {
        guarded(ctx, () -> {
            Filter filter = new Filter(param(ctx, "vendor"), param(ctx, "type"), param(ctx, "course"), param(ctx, "id"), param(ctx, "from"),
                    param(ctx, "to"));
            String error = null;
            List<Line> lines = new ArrayList<>();
            String older = null;
            try {
                EventResource.Page page = events.list(filter.vendor(), filter.type(), filter.course(), filter.id(), filter.from(), filter.to(),
                        param(ctx, "before"), PAGE_SIZE);
                for (EventResource.Listed e : page.events()) {
                    lines.add(new Line(e.time(), e.vendor(), e.type(), e.course() == null || e.course().title() == null ? "" : e.course().title(),
                            e.id(), eventHref(e.id())));
                }
                if (page.next() != null) {
                    older = olderHref(filter, page.next());
                }
            } catch (ProblemException e) {
                error = e.getMessage();
            }
            ConsoleRouter.page(ctx, error == null ? 200 : 400, list.data("filter", filter).data("types", TYPES)
                    .data("events", lines).data("olderHref", older).data("error", error));
        });
    }

    void event(RoutingContext ctx) {
        guarded(ctx, () -> {
            String id = ctx.pathParam("id");
            boolean reveal = "1".equals(ctx.request().getParam("reveal"));
            EventResource.EventView view;
            try {
                view = events.get(id);
            } catch (ProblemException e) {
                problem(ctx, e);
                return;
            }
            JsonNode shown = reveal ? view.event() : PersonalData.masked(view.event());
            List<Delivery> deliveries = new ArrayList<>();
            for (EventResource.Delivery d : view.deliveries()) {
                deliveries.add(new Delivery(d.target(), d.state(), d.attempts().stream()
                        .map(a -> new Step(a.attempt(), a.at(), a.durationMs(),
                                a.status() != null ? "HTTP " + a.status() + (a.error() != null ? " · " + a.error() : "")
                                        : a.error() != null ? a.error() : "—",
                                a.outcome()))
                        .toList()));
            }
            ConsoleRouter.page(ctx, 200, one.data("event", new Shown(view.id(), orEmpty(view.vendor()), orEmpty(view.type()),
                    orEmpty(view.time()), orEmpty(view.routedAt())))
                    .data("body", CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(shown))
                    .data("revealed", reveal).data("selfHref", eventHref(id)).data("deliveries", deliveries));
        });
    }

    /** Replays, then back to the event page (POST-redirect-GET) with a notice of what happened. */
    void replay(RoutingContext ctx) {
        guarded(ctx, () -> {
            String id = ctx.pathParam("id");
            String target = blankToNull(ctx.request().getFormAttribute("target"));
            ConsoleSessions.Session session = ctx.get(ConsoleRouter.SESSION);
            try {
                List<String> to = events.replayTo(id, target);
                session.notice(to.isEmpty() ? "Not replayed: no target's conditions hold for this event."
                        : "Replayed to " + String.join(", ", to) + ": the new attempts appear below as they are made.");
            } catch (ProblemException e) {
                if (e.status() == 404 && target == null) {
                    problem(ctx, e);
                    return;
                }
                session.notice("Not replayed: " + e.getMessage());
            }
            ConsoleRouter.redirect(ctx, eventHref(id));
        });
    }

    interface Page {
        void run() throws Exception;
    }

    /** A failure is logged and shown as such, not as a blank page or a stack trace. */
    void guarded(RoutingContext ctx, Page page) {
        try {
            page.run();
        } catch (Exception e) {
            LOG.error("The console failed on " + ctx.request().path(), e);
            if (!ctx.response().ended()) {
                ConsoleRouter.page(ctx, 500, message.data("title", "Something failed")
                        .data("message", "The console could not show this page; the service's log has the reason."));
            }
        }
    }

    void problem(RoutingContext ctx, ProblemException e) {
        ConsoleRouter.page(ctx, e.status(), message.data("title", e.status() == 404 ? "Not found" : "Not available")
                .data("message", e.getMessage()));
    }

    static String eventHref(String id) {
        return "/console/events/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String olderHref(Filter f, String next) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("vendor", f.vendor());
        q.put("type", f.type());
        q.put("course", f.course());
        q.put("id", f.id());
        q.put("from", f.from());
        q.put("to", f.to());
        q.put("before", next);
        return "/console/events?" + q.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null ? "" : v.trim();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

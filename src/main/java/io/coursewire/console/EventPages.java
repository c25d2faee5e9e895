package io.coursewire.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.admin.AdminQueries;
import io.coursewire.admin.EventResource;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.EventType;
import io.coursewire.eventlog.EventLog;
import io.coursewire.problem.ProblemException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.ext.web.RoutingContext;

/**
 * The events list and one event's page, and its replay. They show and do only what the admin API
 * does, through the same code: {@link AdminQueries} for the list, {@link EventResource} for an event
 * and its replay. Run on worker threads (they read the database).
 */
@Singleton
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
    AdminQueries queries;
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
                Long before = blankToNull(param(ctx, "before")) == null ? null : Long.valueOf(param(ctx, "before"));
                AdminQueries.EventFilter query = new AdminQueries.EventFilter(blankToNull(filter.vendor()), blankToNull(filter.type()),
                        blankToNull(filter.course()), blankToNull(filter.id()), micros(filter.from(), false), micros(filter.to(), true), before);
                List<AdminQueries.EventRow> rows = queries.events(query, PAGE_SIZE + 1);
                for (AdminQueries.EventRow row : rows.subList(0, Math.min(PAGE_SIZE, rows.size()))) {
                    lines.add(new Line(row.time(), row.vendor(), row.type(), courseTitle(row.payload()), row.id(), eventHref(row.id())));
                }
                if (rows.size() > PAGE_SIZE) {
                    older = olderHref(filter, rows.get(PAGE_SIZE - 1).seq());
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                error = "From and to take ISO dates (2026-01-31) or instants (2026-01-31T12:00:00Z); before takes a number.";
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

    private static String olderHref(Filter f, long seq) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("vendor", f.vendor());
        q.put("type", f.type());
        q.put("course", f.course());
        q.put("id", f.id());
        q.put("from", f.from());
        q.put("to", f.to());
        q.put("before", Long.toString(seq));
        return "/console/events?" + q.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A date means its whole day (UTC): "to 2026-01-31" includes the 31st. */
    static Long micros(String value, boolean end) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Instant t;
        if (v.length() == 10) {
            LocalDate day = LocalDate.parse(v);
            t = (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } else {
            t = OffsetDateTime.parse(v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$") ? v : v + "Z").toInstant();
        }
        return EventLog.micros(t);
    }

    private static String courseTitle(String payload) {
        try {
            return CanonicalJson.MAPPER.readTree(payload).path("data").path("course").path("title").asText("");
        } catch (Exception e) {
            return "";
        }
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

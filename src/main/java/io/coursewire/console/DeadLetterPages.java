package io.coursewire.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.coursewire.admin.AdminQueries;
import io.coursewire.admin.DeadLetterResource;
import io.coursewire.admin.TargetResource;
import io.coursewire.problem.ProblemException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.ext.web.RoutingContext;

/**
 * The dead letters, their replay (one or every one of a target) and their deletion. They show and do only what the
 * admin API does, through its own methods: {@link DeadLetterResource#list} for the listing (and the
 * count of a target's), {@link DeadLetterResource#replay} for each replay, {@link DeadLetterResource#delete}
 * for a deletion. Run on worker threads.
 */
@ApplicationScoped
public class DeadLetterPages {

    /** The API's list limit: a replay of a whole target replays at most this many at once. */
    static final int MOST = 1000;
    /** Rows per page of the listing. */
    static final int PAGE = 100;
    static final String PATH = "/console/dead-letters";

    @TemplateData
    public record Row(String id, String eventId, String eventHref, String target, int attempts, String lastStatus, String lastError,
            String deadAt, String replayedAt) {
    }

    @Inject
    DeadLetterResource deadLetters;
    @Inject
    TargetResource targetsInForce;
    @Inject
    EventPages pages;
    @Inject
    @Location("console/dead-letters.html")
    Template list;
    @Inject
    @Location("console/dead-letters-confirm.html")
    Template confirm;

    void list(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String target = EventPages.param(ctx, "target");
            boolean replayed = "replayed".equals(ctx.request().getParam("include"));
            String before = EventPages.blankToNull(ctx.request().getParam("before"));
            List<Row> rows = new ArrayList<>();
            List<AdminQueries.DeadLetter> page;
            try {
                page = deadLetters.list(EventPages.blankToNull(target), replayed ? "replayed" : null, PAGE, before).deadLetters();
            } catch (ProblemException e) {
                ConsoleRouter.page(ctx, 400, list.data("target", target).data("replayed", replayed).data("deadLetters", rows)
                        .data("olderHref", null).data("targetLinks", targetLinks(replayed)).data("error", e.getMessage()));
                return;
            }
            for (AdminQueries.DeadLetter d : page) {
                rows.add(new Row(d.id(), d.eventId(), EventPages.eventHref(d.eventId()), d.target(), d.attempts(),
                        d.lastStatus() == null ? "—" : Integer.toString(d.lastStatus()), d.lastError() == null ? "—" : d.lastError(),
                        d.deadAt(), d.replayedAt()));
            }
            // A full page may have more behind it: the next starts below its last id.
            String olderHref = rows.size() == PAGE ? listHref(target, replayed, rows.get(rows.size() - 1).id()) : null;
            ConsoleRouter.page(ctx, 200, list.data("target", target).data("replayed", replayed).data("deadLetters", rows)
                    .data("olderHref", olderHref).data("targetLinks", targetLinks(replayed)).data("error", null));
        });
    }

    @TemplateData
    public record TargetLink(String name, String href) {
    }

    /** One link per target in force and per removed target still holding deliveries (a subscriber's: type its name). */
    private List<TargetLink> targetLinks(boolean replayed) {
        TargetResource.InForce inForce = targetsInForce.inForce();
        List<String> names = new ArrayList<>();
        inForce.targets().forEach(t -> names.add(String.valueOf(t.get("name"))));
        inForce.removed().forEach(r -> names.add(r.name()));
        return names.stream().map(name -> new TargetLink(name, listHref(name, replayed))).toList();
    }

    /** One dead letter replayed as {@code POST /api/v1/dead-letters/{id}/replay} does; a 404 or 409 is a notice. */
    void replay(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String id = ctx.pathParam("id");
            ConsoleSessions.Session session = ctx.get(ConsoleRouter.SESSION);
            try {
                DeadLetterResource.Replayed done = (DeadLetterResource.Replayed) deadLetters.replay(id).getEntity();
                session.notice("Dead letter " + done.id() + " of event " + done.eventId() + " replayed to " + done.target()
                        + ": a fresh delivery, its attempts start again.");
            } catch (ProblemException e) {
                session.notice("Dead letter " + id + " not replayed: " + e.getMessage());
            }
            ConsoleRouter.redirect(ctx, back(ctx));
        });
    }

    /** One dead letter deleted as {@code DELETE /api/v1/dead-letters/{id}} does; a 404 is a notice. */
    void delete(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String id = ctx.pathParam("id");
            ConsoleSessions.Session session = ctx.get(ConsoleRouter.SESSION);
            try {
                deadLetters.delete(id);
                session.notice("Dead letter " + id + " deleted.");
            } catch (ProblemException e) {
                session.notice("Dead letter " + id + " not deleted: " + e.getMessage());
            }
            ConsoleRouter.redirect(ctx, back(ctx));
        });
    }

    /** The first step of replaying a whole target: how many, and a form to confirm that number. */
    void replayAll(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String target = formTarget(ctx);
            ConsoleSessions.Session session = ctx.get(ConsoleRouter.SESSION);
            if (target == null) {
                return;
            }
            int count = deadLetters.list(target, null, MOST).deadLetters().size();
            if (count == 0) {
                session.notice("Target " + target + " has no dead letters to replay.");
                ConsoleRouter.redirect(ctx, listHref(target, false));
                return;
            }
            ConsoleRouter.page(ctx, 200, confirm.data("target", target).data("count", count).data("most", count == MOST)
                    .data("backHref", listHref(target, false)));
        });
    }

    /** The confirmed step: each unreplayed dead letter of the target (at most {@link #MOST}) replayed as one would be. */
    void replayAllConfirmed(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String target = formTarget(ctx);
            ConsoleSessions.Session session = ctx.get(ConsoleRouter.SESSION);
            if (target == null) {
                return;
            }
            String confirmed = EventPages.blankToNull(ctx.request().getFormAttribute("count"));
            int replayed = 0;
            String stopped = null;
            for (AdminQueries.DeadLetter d : deadLetters.list(target, null, MOST).deadLetters()) {
                try {
                    deadLetters.replay(d.id());
                    replayed++;
                } catch (ProblemException e) {
                    if (e.status() == 404) {
                        continue; // gone since the listing
                    }
                    stopped = e.getMessage();
                    break; // 409: the target is no longer configured, and so for every one of them
                }
            }
            String notice = replayed + (replayed == 1 ? " dead letter of " : " dead letters of ") + target + " replayed";
            if (confirmed != null && !confirmed.equals(Integer.toString(replayed)) && stopped == null) {
                notice += " (" + confirmed + " when confirmed: the dead letters changed meanwhile)";
            }
            if (stopped != null) {
                notice += "; stopped: " + stopped;
            }
            session.notice(notice);
            ConsoleRouter.redirect(ctx, listHref(target, false));
        });
    }

    /** The form's target; without one, the operator is sent back to the listing with a notice, and null returned. */
    private static String formTarget(RoutingContext ctx) {
        String raw = ctx.request().getFormAttribute("target");
        String target = raw == null ? null : EventPages.blankToNull(raw.trim());
        if (target == null) {
            ((ConsoleSessions.Session) ctx.get(ConsoleRouter.SESSION)).notice("Name the target whose dead letters to replay.");
            ConsoleRouter.redirect(ctx, PATH);
        }
        return target;
    }

    /** Back to the listing the form was on (its filter), never anywhere else. */
    private static String back(RoutingContext ctx) {
        String target = ctx.request().getFormAttribute("back-target");
        return listHref(target == null ? "" : target.trim(), "replayed".equals(ctx.request().getFormAttribute("back-include")));
    }

    static String listHref(String target, boolean replayed) {
        return listHref(target, replayed, null);
    }

    static String listHref(String target, boolean replayed, String before) {
        StringBuilder href = new StringBuilder(PATH);
        String sep = "?";
        if (target != null && !target.isEmpty()) {
            href.append(sep).append("target=").append(URLEncoder.encode(target, StandardCharsets.UTF_8));
            sep = "&";
        }
        if (replayed) {
            href.append(sep).append("include=replayed");
            sep = "&";
        }
        if (before != null) {
            href.append(sep).append("before=").append(before);
        }
        return href.toString();
    }
}

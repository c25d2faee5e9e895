package io.coursewire.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.coursewire.admin.TargetResource;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.problem.ProblemException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.vertx.ext.web.RoutingContext;

/**
 * The targets in force, and a candidate targets file checked. They show only what the admin API
 * shows, through its own methods: {@link TargetResource#inForce} and {@link TargetResource#validate}
 * (secrets already masked by each target's {@code describe()}). Run on worker threads.
 */
@ApplicationScoped
public class TargetPages {

    /** One key of a target's description; a value other than text is shown as JSON. */
    @TemplateData
    public record Fact(String key, String value) {
    }

    @TemplateData
    public record Shown(String name, String type, String pending, String circuit, List<Fact> facts) {
    }

    @TemplateData
    public record Checked(boolean valid, String error, List<Shown> targets) {
    }

    @Inject
    TargetResource targets;
    @Inject
    EventPages pages;
    @Inject
    @Location("console/targets.html")
    Template page;

    void show(RoutingContext ctx) {
        pages.guarded(ctx, () -> render(ctx, 200, "", null));
    }

    /** The file in the form, read and checked as {@code POST /api/v1/targets/validate} does; nothing applied. */
    void validate(RoutingContext ctx) {
        pages.guarded(ctx, () -> {
            String yaml = ctx.request().getFormAttribute("yaml");
            yaml = yaml == null ? "" : yaml;
            Checked checked;
            try {
                checked = new Checked(true, null, shown(targets.validate(yaml).targets()));
            } catch (ProblemException e) {
                checked = new Checked(false, e.getMessage(), List.of());
            }
            render(ctx, checked.valid() ? 200 : 422, yaml, checked);
        });
    }

    private void render(RoutingContext ctx, int status, String candidate, Checked checked) throws Exception {
        TargetResource.InForce inForce = targets.inForce();
        TargetResource.Subscribers s = inForce.subscriptions();
        String circuits = s.circuits().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "));
        ConsoleRouter.page(ctx, status, page.data("file", inForce.file())
                .data("loadedAt", inForce.loadedAt() == null ? "—" : inForce.loadedAt().toString())
                .data("targets", shown(inForce.targets()))
                .data("subscribers", s.count()).data("subscribersPending", s.pending()).data("subscriberCircuits", circuits)
                .data("refused", inForce.lastRefused()).data("removed", inForce.removed())
                .data("candidate", candidate).data("checked", checked));
    }

    private static List<Shown> shown(List<Map<String, Object>> described) throws Exception {
        List<Shown> shown = new ArrayList<>();
        for (Map<String, Object> d : described) {
            List<Fact> facts = new ArrayList<>();
            for (Map.Entry<String, Object> e : d.entrySet()) {
                if (!List.of("name", "type", "pending", "circuit").contains(e.getKey())) {
                    facts.add(new Fact(e.getKey(), text(e.getValue())));
                }
            }
            shown.add(new Shown(text(d.get("name")), text(d.get("type")), d.containsKey("pending") ? text(d.get("pending")) : null,
                    d.containsKey("circuit") ? text(d.get("circuit")) : null, facts));
        }
        return shown;
    }

    private static String text(Object value) throws Exception {
        if (value == null) {
            return "";
        }
        return value instanceof String || value instanceof Number || value instanceof Boolean ? value.toString()
                : CanonicalJson.MAPPER.writeValueAsString(value);
    }
}

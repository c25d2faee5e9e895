package io.coursewire.console;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.coursewire.lifecycle.StoreSizes;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;

/**
 * The Live page and its charts fragment, which live.js fetches again every sample interval. Drawn
 * from {@link FlowSampler}'s ring and {@link StoreSizes}' last sample only, in memory: fast enough for
 * the event loop, no database.
 */
@ApplicationScoped
public class LivePages {

    @Inject
    FlowSampler sampler;
    @Inject
    StoreSizes stores;
    @Inject
    @Location("console/live.html")
    Template page;
    @Inject
    @Location("console/live-charts.html")
    Template fragment;

    void page(RoutingContext ctx) {
        ConsoleRouter.page(ctx, 200, charts(page).data("refreshMs", sampler.interval().toMillis()));
    }

    /** Without the base template: it would take the session's notice, meant for the next whole page. */
    void charts(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(charts(fragment).render());
    }

    private TemplateInstance charts(Template template) {
        List<FlowWindow> windows = sampler.windows();
        return template.data("groups", LiveCharts.of(windows, FlowSampler.CAPACITY, sampler.interval()))
                .data("storage", StorageFacts.of(stores.last(), stores.eventsRetention(), stores.deadLettersRetention()))
                .data("sampledAt", windows.isEmpty() ? null : windows.get(windows.size() - 1).at().truncatedTo(ChronoUnit.MILLIS).toString());
    }
}

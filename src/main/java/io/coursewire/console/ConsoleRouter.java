package io.coursewire.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.admin.AdminAuthentication;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Mounts {@code /console} on the Vert.x router (every JAX-RS resource lives under {@code /api}), and
 * guards it: the sign-in, the session gate, the Origin and CSRF checks. The pages themselves are
 * {@link EventPages} (events, one event, its replay), {@link DeadLetterPages} (dead letters, their
 * replay and deletion), {@link TargetPages} (the targets in force, a targets file checked), {@link SubscriptionPages}
 * (REST Hook subscriptions: listed, created, deleted) and {@link LivePages}; whatever reads the database
 * runs on a worker, never on the event loop. The Live page is drawn from memory, on the event loop; its
 * charts fragment ({@code /console/live/charts}) sits behind the same session gate, and its script
 * ({@code /console/live.js}), like the style sheet, is served before the gate as a classpath resource:
 * the only script the Content-Security-Policy lets run.
 */
@Singleton
public class ConsoleRouter {

    static final String COOKIE = "coursewire_console";
    static final String SESSION = "console.session";
    static final String SIGN_IN = "/console/sign-in";

    @Inject
    ConsoleSessions sessions;
    @Inject
    AdminAuthentication authentication;
    @Inject
    EventPages pages;
    @Inject
    DeadLetterPages deadLetters;
    @Inject
    TargetPages targets;
    @Inject
    LivePages live;
    @Inject
    SubscriptionPages subscriptions;
    @Inject
    @Location("console/sign-in.html")
    Template signIn;
    @Inject
    @Location("console/message.html")
    Template message;

    private final byte[] css = resource("/console/console.css");
    private final byte[] liveScript = resource("/console/live.js");

    void mount(@Observes Router router) {
        Routes routes = new Routes(router);
        routes.regex("/console(/.*)?").handler(ConsoleRouter::securityHeaders);
        routes.route("/console").handler(ctx -> redirect(ctx, "/console/events"));
        routes.get("/console/console.css").handler(ctx -> ctx.response().putHeader("Content-Type", "text/css; charset=utf-8")
                .putHeader("Cache-Control", "max-age=3600").end(io.vertx.core.buffer.Buffer.buffer(css)));
        routes.get("/console/live.js").handler(ctx -> ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8")
                .putHeader("Cache-Control", "max-age=3600").end(io.vertx.core.buffer.Buffer.buffer(liveScript)));
        // Forms only: small bodies, no uploads.
        routes.post("/console/*").handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
        routes.post("/console/*").handler(ConsoleRouter::sameOrigin);
        routes.get(SIGN_IN).handler(ctx -> signInPage(ctx, 200, null));
        routes.post(SIGN_IN).handler(this::signIn);
        routes.route("/console/*").handler(this::requireSession);
        routes.post("/console/*").handler(ConsoleRouter::requireCsrfToken);
        routes.post("/console/sign-out").handler(this::signOut);
        routes.get("/console/events").blockingHandler(pages::events, false);
        routes.get("/console/events/:id").blockingHandler(pages::event, false);
        routes.post("/console/events/:id/replay").blockingHandler(pages::replay, false);
        routes.get("/console/dead-letters").blockingHandler(deadLetters::list, false);
        routes.post("/console/dead-letters/replay-all").blockingHandler(deadLetters::replayAll, false);
        routes.post("/console/dead-letters/replay-all/confirm").blockingHandler(deadLetters::replayAllConfirmed, false);
        routes.post("/console/dead-letters/:id/replay").blockingHandler(deadLetters::replay, false);
        routes.post("/console/dead-letters/:id/delete").blockingHandler(deadLetters::delete, false);
        routes.get("/console/targets").blockingHandler(targets::show, false);
        routes.post("/console/targets/validate").blockingHandler(targets::validate, false);
        routes.get("/console/live").handler(live::page);
        routes.get("/console/live/charts").handler(live::charts);
        routes.get(SubscriptionPages.PATH).blockingHandler(subscriptions::list, false);
        routes.post(SubscriptionPages.PATH).blockingHandler(subscriptions::create, false);
        routes.post(SubscriptionPages.PATH + "/:event/:id/delete").blockingHandler(subscriptions::delete, false);
        routes.route("/console/*").handler(ctx -> page(ctx, 404, message.data("title", "Not found")
                .data("message", "The console has no such page.")));
    }

    /**
     * The console's routes come after the vendors' ({@link #ORDER}). Vert.x tries a request against each
     * route in order, and a route with a path parameter or a regular expression is a regex match (a
     * Matcher, its arrays) for every request that reaches it. The vendor routes are made when Camel
     * starts, and this observer ran before or after that from one start to the next: when before, every
     * webhook went through the console's 26 routes, 7 of them regex (4.7% of the bytes allocated at
     * saturation, bench/README.md).
     */
    static final int ORDER = 10_000;

    /** Every route made through it has the console's order; among themselves they keep the order they are made in. */
    private record Routes(Router router) {
        Route regex(String regex) {
            return router.routeWithRegex(regex).order(ORDER);
        }

        Route route(String path) {
            return router.route(path).order(ORDER);
        }

        Route get(String path) {
            return router.get(path).order(ORDER);
        }

        Route post(String path) {
            return router.post(path).order(ORDER);
        }
    }

    /**
     * Pages hold event data and live tokens: not cached, not framed, nothing fetched elsewhere. Scripts only
     * from the console's own files (live.js), never inline, and they may fetch only from the console itself.
     */
    private static void securityHeaders(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                        + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on our own POSTs.
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("Cache-Control", "no-store");
        ctx.next();
    }

    private static void sameOrigin(RoutingContext ctx) {
        if (!Csrf.originAllowed(ctx.request())) {
            plain(ctx, 403, "Refused: this form was sent from another site than the console's own.");
            return;
        }
        ctx.next();
    }

    private void signIn(RoutingContext ctx) {
        String token = ctx.request().getFormAttribute("token");
        switch (authentication.check(token == null || token.isEmpty() ? null : token, ctx.request())) {
            case ACCEPTED -> {
                ConsoleSessions.Session session = sessions.create();
                setCookie(ctx, session.id, ConsoleSessions.LIFETIME.toSeconds());
                redirect(ctx, "/console/events");
            }
            case DEMO_NOT_LOOPBACK -> signInPage(ctx, 403, AdminAuthentication.DEMO_REFUSAL);
            default -> signInPage(ctx, 401, "That is not the admin token. Check coursewire.admin.token and try again.");
        }
    }

    private void signOut(RoutingContext ctx) {
        sessions.end(ctx.get(SESSION));
        setCookie(ctx, "", 0);
        redirect(ctx, SIGN_IN);
    }

    private void requireSession(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        var session = sessions.find(cookie == null ? null : cookie.getValue());
        if (session.isEmpty()) {
            redirect(ctx, SIGN_IN);
            return;
        }
        ctx.put(SESSION, session.get());
        ctx.next();
    }

    private static void requireCsrfToken(RoutingContext ctx) {
        ConsoleSessions.Session session = ctx.get(SESSION);
        if (!Csrf.tokenMatches(session, ctx.request().getFormAttribute(Csrf.FIELD))) {
            plain(ctx, 403, "Refused: the form's CSRF token is missing or wrong. Reload the page and try again.");
            return;
        }
        ctx.next();
    }

    /**
     * Written out rather than through Vert.x's cookie encoder, so the attributes read exactly as
     * documented. Secure only over TLS: a plain-HTTP console on localhost must still be able to sign in.
     */
    private static void setCookie(RoutingContext ctx, String value, long maxAgeSeconds) {
        ctx.response().headers().add("Set-Cookie", COOKIE + "=" + value + "; Path=/console; HttpOnly; SameSite=Strict; Max-Age="
                + maxAgeSeconds + (ctx.request().isSSL() ? "; Secure" : ""));
    }

    private void signInPage(RoutingContext ctx, int status, String error) {
        page(ctx, status, signIn.data("error", error));
    }

    static void page(RoutingContext ctx, int status, io.quarkus.qute.TemplateInstance page) {
        // The base template's names: null before sign-in, so it shows neither the sign-out form nor a notice.
        ConsoleSessions.Session session = ctx.get(SESSION);
        String html = page.data("csrf", session == null ? null : session.csrf())
                .data("notice", session == null ? null : session.takeNotice())
                .render();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }

    static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(303).putHeader("Location", location).end();
    }

    static void plain(RoutingContext ctx, int status, String text) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text + "\n");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleRouter.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

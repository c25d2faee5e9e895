package io.coursewire.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.vertx.core.http.HttpServerRequest;

/**
 * The console's defence against cross-site requests: every POST carries its session's CSRF token
 * (compared in constant time, so its bytes cannot be learnt by timing), and a POST whose Origin
 * names another site is refused before anything else. The SameSite=Strict cookie is a third wall.
 */
final class Csrf {

    static final String FIELD = "csrf";

    private Csrf() {
    }

    static boolean tokenMatches(ConsoleSessions.Session session, String presented) {
        return presented != null
                && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * No Origin (older clients, curl) is allowed: the token still has to match. A present one must be
     * this service's own origin, as the browser reached it (scheme and Host).
     */
    static boolean originAllowed(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        return host != null && origin.equalsIgnoreCase(request.scheme() + "://" + host);
    }
}

package io.coursewire.admin;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.coursewire.CoursewireConfig;
import io.coursewire.problem.Problem;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Every admin call needs {@code Authorization: Token token=<coursewire.admin.token>} or
 * {@code Bearer <token>} (§5), compared in constant time; otherwise 401 problem+json. Until the
 * operator sets a token, a demo one applies and a WARN says so at every start; and since the demo token
 * is printed in the README for anyone to read, it only opens the API to requests from this machine
 * (loopback): from anywhere else the answer is 403, naming the key to set.
 */
@Singleton
public class AdminAuthentication {

    static final String DEMO_TOKEN = "coursewire-demo-admin-token";
    private static final Logger LOG = Logger.getLogger(AdminAuthentication.class);

    /** Read at start (the filter itself is built before runtime configuration exists); null refuses all. */
    private volatile byte[] token;
    private volatile boolean demo;

    void readToken(@Observes StartupEvent start, CoursewireConfig config) {
        String configured = config.admin().token().filter(t -> !t.isBlank()).orElse(null);
        if (configured == null) {
            LOG.warn("The admin API uses the demo token; set coursewire.admin.token (env COURSEWIRE_ADMIN_TOKEN)");
        }
        token = (configured == null ? DEMO_TOKEN : configured).getBytes(StandardCharsets.UTF_8);
        demo = configured == null;
    }

    /** What {@link #check} makes of a presented token: the API and the console answer each alike. */
    public enum Verdict {
        ACCEPTED,
        /** No token presented. */
        MISSING,
        WRONG,
        /** On the demo token, from another machine than this one: refused whatever was presented. */
        DEMO_NOT_LOOPBACK
    }

    /**
     * The one decision on an admin token, shared by the API's filter and the console's sign-in, so
     * both open to exactly the same token under the same demo rules.
     */
    public Verdict check(String presented, HttpServerRequest http) {
        if (demo && !fromLoopback(http)) {
            return Verdict.DEMO_NOT_LOOPBACK;
        }
        if (presented == null) {
            return Verdict.MISSING;
        }
        byte[] expected = token;
        return expected != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))
                ? Verdict.ACCEPTED : Verdict.WRONG;
    }

    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request, HttpServerRequest http) {
        // Every JAX-RS resource is under quarkus.rest.path=/api and is an admin resource: no exceptions.
        String presented = presentedToken(request.getHeaderString("Authorization"));
        Verdict verdict = check(presented, http);
        if (verdict == Verdict.ACCEPTED) {
            return null;
        }
        if (verdict == Verdict.DEMO_NOT_LOOPBACK) {
            return Problems.response(Problem.of("demo-token", "Forbidden", 403, DEMO_REFUSAL,
                    request.getUriInfo().getRequestUri().getPath(), null));
        }
        return Problems.response(Problem.of("unauthenticated", "Unauthorized", 401,
                presented == null ? "the admin API needs Authorization: Token token=<admin token> or Bearer <admin token>"
                        : "the admin token is not valid",
                request.getUriInfo().getRequestUri().getPath(), null), "WWW-Authenticate", "Bearer");
    }

    public static final String DEMO_REFUSAL = "the admin API is on its demo token, which only serves this machine (loopback);"
            + " set coursewire.admin.token (env COURSEWIRE_ADMIN_TOKEN) to use it from elsewhere";

    private static boolean fromLoopback(HttpServerRequest http) {
        SocketAddress peer = http.remoteAddress();
        if (peer == null || peer.hostAddress() == null) {
            return false;
        }
        try {
            // A literal address from the socket, never a name: no lookup happens here.
            return InetAddress.getByName(peer.hostAddress()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The token from either accepted form, or null. */
    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        if (value.regionMatches(true, 0, "Token ", 0, 6)) {
            String rest = value.substring(6).trim();
            if (rest.startsWith("token=")) {
                String t = rest.substring(6).trim();
                return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
            }
        }
        return null;
    }
}

package io.coursewire.inbound;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.DelegateProcessor;
import org.apache.camel.Navigate;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;


/**
 * The vendor endpoints as the routes declare them: for each {@code /webhooks/<vendor>} platform-http
 * route, the methods it takes and the authenticity check its YAML names ({@code - process: {ref: …}}).
 * The YAML stays the one place a vendor's check is chosen; the {@link InboundGuard} reads it here so
 * that it can run the check before the body is read.
 *
 * <p>Read from Camel once, and again only when the number of routes changes.
 */
@Singleton
public class InboundEndpoints {

    public static final String PREFIX = "/webhooks/";

    /** A vendor's endpoint: its name (the path segment), the methods it accepts (sorted) and its check. */
    public record Endpoint(String vendor, Set<String> methods, HeadCheck check) {
    }

    private record Table(int routes, Map<String, Endpoint> byPath) {
    }

    private final CamelContext camel;
    private volatile Table table = new Table(-1, Map.of());

    public InboundEndpoints(CamelContext camel) throws Exception {
        this.camel = camel;
        // Read once at start as well, so that a vendor route without a check stops the start.
        camel.addStartupListener(new org.apache.camel.StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                current();
            }
        });
    }

    /** The endpoint at exactly this path, or null. */
    public Endpoint at(String path) {
        return current().byPath().get(path);
    }

    private Table current() {
        Table t = table;
        int routes = camel.getRoutesSize();
        if (t.routes() != routes) {
            t = new Table(routes, read());
            table = t;
        }
        return t;
    }

    private Map<String, Endpoint> read() {
        PlatformHttpComponent http = camel.getComponent("platform-http", PlatformHttpComponent.class);
        Map<String, Endpoint> byPath = new java.util.HashMap<>();
        for (HttpEndpointModel endpoint : http.getHttpEndpoints()) {
            String path = endpoint.getUri();
            if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
                continue;
            }
            java.util.SortedSet<String> methods = new TreeSet<>();
            String verbs = endpoint.getVerbs();
            if (verbs == null || verbs.isBlank()) {
                methods.add("POST");
            } else {
                for (String verb : verbs.split(",")) {
                    methods.add(verb.trim().toUpperCase(Locale.ROOT));
                }
            }
            String vendor = path.substring(PREFIX.length());
            byPath.put(path, new Endpoint(vendor, java.util.Collections.unmodifiableSortedSet(methods), checkOf(endpoint.getConsumer(), path)));
        }
        return Map.copyOf(byPath);
    }

    /**
     * The route's authenticity step (a {@link HeadCheck}), found among its running processors (the YAML's
     * {@code - process: {ref: …}} becomes the bean itself, wrapped); a vendor route without one does not start.
     */
    private HeadCheck checkOf(Consumer consumer, String path) {
        HeadCheck check = null;
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() == consumer.getEndpoint()) { // the route's consumer wraps the engine's
                check = find(route.navigate(), 0);
            }
        }
        if (check == null) {
            throw new IllegalStateException("the route at " + path + " has no authenticity check (a '- process: {ref: …}' step"
                    + " whose bean is an AuthenticityCheck, e.g. sharedTokenCheck): every vendor endpoint must authenticate its senders");
        }
        return check;
    }

    private static HeadCheck find(Object processor, int depth) {
        if (processor instanceof HeadCheck check) {
            return check;
        }
        if (depth > 16) {
            return null;
        }
        if (processor instanceof DelegateProcessor delegate) {
            return find(delegate.getProcessor(), depth + 1);
        }
        if (processor instanceof Navigate<?> navigate && navigate.hasNext()) {
            for (Object next : navigate.next()) {
                HeadCheck check = find(next, depth + 1);
                if (check != null) {
                    return check;
                }
            }
        }
        return null;
    }
}

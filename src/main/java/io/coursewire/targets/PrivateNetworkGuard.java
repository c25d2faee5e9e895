package io.coursewire.targets;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.CoursewireConfig;

/**
 * The SSRF guard of §5: a subscriber URL whose host is, or resolves to, a loopback, link-local
 * (169.254.0.0/16, fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7) or unspecified
 * (0.0.0.0/8, ::) address is refused, at registration and again at each delivery, since what a name
 * resolves to can change after it was registered (DNS rebinding). At delivery the request then goes to
 * the very address that was checked, never to a second lookup of the name. Off when
 * {@code coursewire.subscriptions.allow-private-networks=true}.
 *
 * <p>Lookups at delivery run on two threads of their own (the JDK resolver blocks, and the cache it
 * keeps makes most lookups instant): a slow DNS server delays only the subscribers whose names it
 * serves, never the threads that take deliveries from the broker or an event loop.
 */
@Singleton
public class PrivateNetworkGuard {

    private final boolean allowPrivate;
    private final ExecutorService lookups;

    @Inject
    public PrivateNetworkGuard(CoursewireConfig config) {
        this(config.subscriptions().allowPrivateNetworks());
    }

    public PrivateNetworkGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
        this.lookups = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "address-lookups");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void close() {
        lookups.shutdownNow();
    }

    /**
     * Why the URL's host may not be posted to, or empty when it may: every address the host resolves
     * to is checked (one private address among public ones refuses it). Blocks for the lookup.
     */
    public Optional<String> refusal(URI url) {
        if (allowPrivate) {
            return Optional.empty();
        }
        String host = hostOf(url);
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                Optional<String> why = refusal(address);
                if (why.isPresent()) {
                    return Optional.of(host + " " + (isLiteral(url) ? "is" : "resolves to") + " " + why.get());
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of(host + " does not resolve");
        }
    }

    /**
     * The address a delivery to this URL goes to, once checked; completes with null when private networks
     * are allowed (the client then resolves the name itself), or fails with a {@link DeliveryFailedException}
     * (not permanent: DNS may change back) when the host resolves to a refused address or not at all.
     */
    public CompletableFuture<InetAddress> addressForDelivery(URI url) {
        if (allowPrivate) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> {
            String host = hostOf(url);
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new DeliveryFailedException(null, "connection failed: " + host + " does not resolve", false).unchecked();
            }
            for (InetAddress address : addresses) {
                Optional<String> why = refusal(address);
                if (why.isPresent()) {
                    throw new DeliveryFailedException(null, "refused: " + host + " resolves to " + why.get()
                            + " (coursewire.subscriptions.allow-private-networks is false)", false).unchecked();
                }
            }
            return addresses[0];
        }, lookups);
    }

    /** Why this address is refused, or empty: loopback, link-local, private, unspecified, or unique local. */
    static Optional<String> refusal(InetAddress address) {
        String literal = address.getHostAddress();
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address (" + literal + ")");
        }
        if (address.isAnyLocalAddress() || (address.getAddress().length == 4 && address.getAddress()[0] == 0)) {
            return Optional.of("an unspecified address (" + literal + ")");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address (" + literal + ")");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address (" + literal + ")");
        }
        if (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc) {
            return Optional.of("a private (unique local) address (" + literal + ")");
        }
        return Optional.empty();
    }

    private static String hostOf(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new IllegalArgumentException("a URL without a host");
        }
        // [::1] in a URL is ::1 to the resolver
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLiteral(URI url) {
        String host = hostOf(url);
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}

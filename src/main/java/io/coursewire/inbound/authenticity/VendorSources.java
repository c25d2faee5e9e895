package io.coursewire.inbound.authenticity;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;
import io.coursewire.inbound.VendorTranslator;
import io.quarkus.runtime.StartupEvent;

/**
 * Each vendor's source settings, read by vendor name ({@code coursewire.sources.<vendor>.secret},
 * {@code .enabled}) so that a new vendor needs no code here. Until an operator sets a secret, a
 * demo secret ({@code <vendor>-demo-secret}) is in force and a WARN says so at start.
 */
@Singleton
public class VendorSources {

    private static final Logger LOG = Logger.getLogger(VendorSources.class);

    public record Source(String vendor, byte[] secret, boolean enabled, boolean demoSecret) {
    }

    private final CoursewireConfig config;
    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    @Inject
    public VendorSources(CoursewireConfig config) {
        this.config = config;
    }

    public Source get(String vendor) {
        return sources.computeIfAbsent(vendor, this::load);
    }

    void warnAboutDemoSecrets(@Observes StartupEvent event, Instance<VendorTranslator> translators) {
        for (VendorTranslator translator : translators) {
            Source source = get(translator.vendor());
            if (source.demoSecret() && source.enabled()) {
                // Names the key, never the value.
                LOG.warnf("Vendor '%s' uses its demo secret: set coursewire.sources.%s.secret (env COURSEWIRE_SOURCES_%s_SECRET) before production",
                        source.vendor(), source.vendor(), source.vendor().toUpperCase(java.util.Locale.ROOT));
            }
        }
    }

    private Source load(String vendor) {
        CoursewireConfig.Source configured = config.sources().get(vendor);
        Optional<String> secret = configured == null ? Optional.empty() : configured.secret().filter(s -> !s.isBlank());
        boolean enabled = configured == null || configured.enabled();
        String value = secret.orElse(demoSecret(vendor));
        return new Source(vendor, value.getBytes(StandardCharsets.UTF_8), enabled, secret.isEmpty());
    }

    public static String demoSecret(String vendor) {
        return vendor + "-demo-secret";
    }
}

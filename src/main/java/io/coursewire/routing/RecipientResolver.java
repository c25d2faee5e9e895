package io.coursewire.routing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import io.coursewire.canonical.CanonicalJson;
import io.coursewire.channel.RoutedEvent;
import io.coursewire.targets.Target;
import io.coursewire.targets.Subscriptions;
import io.coursewire.targets.TargetRegistry;
import io.coursewire.targets.When;

/**
 * The Recipient List: for one event, every target whose conditions all hold — the shorthand lists first,
 * then the {@code when} predicate, on the event parsed once as a map.
 */
@Singleton
public class RecipientResolver {

    private static final Logger LOG = Logger.getLogger(RecipientResolver.class);

    private final TargetRegistry targets;
    private final Subscriptions subscriptions;
    private final CamelContext camel;

    @Inject
    public RecipientResolver(TargetRegistry targets, Subscriptions subscriptions, CamelContext camel) {
        this.targets = targets;
        this.subscriptions = subscriptions;
        this.camel = camel;
    }

    /**
     * Against the static targets and the subscriptions in force now. A subscription is an HTTP target
     * like any other here; only those to a hook of the event's type are looked at.
     */
    public List<Target> targetsFor(RoutedEvent event) {
        List<Target> recipients = targetsFor(event, targets.all());
        List<Target> subscribers = subscriptions.candidates(event.type());
        if (!subscribers.isEmpty()) {
            recipients.addAll(targetsFor(event, subscribers));
        }
        return recipients;
    }

    /** Against one set of targets, taken once for the whole event. */
    public List<Target> targetsFor(RoutedEvent event, List<Target> candidates) {
        List<Target> recipients = new ArrayList<>(2);
        Exchange asMap = null;
        for (Target target : candidates) {
            Target.Filters filters = target.filters();
            if (!filters.admit(event.type(), event.vendor(), event.courseId())) {
                continue;
            }
            if (filters.when().isPresent()) {
                if (asMap == null) {
                    asMap = exchangeOf(event); // parsed once per event, and only when a target has a predicate
                }
                if (!holds(filters.when().get(), asMap, target)) {
                    continue;
                }
            }
            recipients.add(target);
        }
        return recipients;
    }

    private Exchange exchangeOf(RoutedEvent event) {
        Exchange exchange = new DefaultExchange(camel);
        try {
            exchange.getMessage().setBody(CanonicalJson.MAPPER.readValue(event.json(), Map.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a canonical event", e);
        }
        return exchange;
    }

    /**
     * A predicate that fails on an event (a conversion it cannot make) does not hold: the event is not
     * sent to that target, and routing goes on. Refusing the event would hold up the whole channel.
     */
    private static boolean holds(When when, Exchange event, Target target) {
        try {
            return when.matches(event);
        } catch (RuntimeException e) {
            LOG.warnf("The 'when' of target %s failed on an event and is taken as false: %s", target.name(),
                    e.getClass().getSimpleName());
            return false;
        }
    }
}

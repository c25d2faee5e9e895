package io.coursewire.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.channel.RoutedEvent;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetRegistry;

/** The Recipient List: for one event, every target whose conditions all hold. */
@Singleton
public class RecipientResolver {

    private final TargetRegistry targets;

    @Inject
    public RecipientResolver(TargetRegistry targets) {
        this.targets = targets;
    }

    /** Against the targets in force now. */
    public List<Target> targetsFor(RoutedEvent event) {
        return targetsFor(event, targets.all());
    }

    /** Against one set of targets, taken once for the whole event. */
    public List<Target> targetsFor(RoutedEvent event, List<Target> candidates) {
        List<Target> recipients = new ArrayList<>(2);
        for (Target target : candidates) {
            if (target.filters().admit(event.type(), event.vendor(), event.courseId())) {
                recipients.add(target);
            }
        }
        return recipients;
    }
}

package io.coursewire.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.channel.RoutedEvent;
import io.coursewire.targets.Target;
import io.coursewire.targets.Targets;

/** The Recipient List: for one event, every target whose conditions all hold. */
@Singleton
public class RecipientResolver {

    private final Targets targets;

    @Inject
    public RecipientResolver(Targets targets) {
        this.targets = targets;
    }

    public List<Target> targetsFor(RoutedEvent event) {
        List<Target> recipients = new ArrayList<>(2);
        for (Target target : targets.all()) {
            if (target.filters().admit(event.type(), event.vendor(), event.courseId())) {
                recipients.add(target);
            }
        }
        return recipients;
    }
}

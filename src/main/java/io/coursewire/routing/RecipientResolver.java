package io.coursewire.routing;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.coursewire.targets.FileTarget;
import io.coursewire.targets.Target;
import io.coursewire.targets.Targets;

/**
 * The Recipient List: for one event, the endpoints of every target whose conditions all hold. Each
 * target type maps to its endpoint here; new types add a case.
 */
@Singleton
@Named("recipients")
public class RecipientResolver {

    private final Targets targets;

    @Inject
    public RecipientResolver(Targets targets) {
        this.targets = targets;
    }

    public List<String> endpointsFor(RoutedEvent event) {
        List<String> endpoints = new ArrayList<>(2);
        for (Target target : targets.all()) {
            if (target.filters().admit(event.type(), event.vendor(), event.courseId())) {
                endpoints.add(endpointOf(target));
            }
        }
        return endpoints;
    }

    static String endpointOf(Target target) {
        if (target instanceof FileTarget file) {
            // Written under a temporary name, then renamed: readers never see half a file.
            return "file:" + file.directory() + "?tempPrefix=.inflight-&fileExist=Override";
        }
        throw new IllegalStateException("no endpoint for target type " + target.getClass().getSimpleName());
    }
}

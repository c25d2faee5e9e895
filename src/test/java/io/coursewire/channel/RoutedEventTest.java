package io.coursewire.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.coursewire.canonical.CanonicalEvent.Course;
import io.coursewire.canonical.CanonicalEvent.Enrollment;
import io.coursewire.canonical.CanonicalEvent.Learner;
import io.coursewire.canonical.CanonicalEvent.Progress;
import io.coursewire.canonical.CanonicalEvent.Result;
import io.coursewire.canonical.CanonicalEvent.Tenant;
import io.coursewire.canonical.CanonicalEvent;
import io.coursewire.canonical.CanonicalJson;
import io.coursewire.canonical.CompletedBy;
import io.coursewire.canonical.EventIds;
import io.coursewire.canonical.EventType;

/** The router decides on the same fields whether they come as message properties or from the JSON. */
class RoutedEventTest {

    private static CanonicalEvent event(Instant time, Course course) {
        CanonicalEvent.Data data = new CanonicalEvent.Data("thinkific", "enrollment.progressed", "77",
                Tenant.NONE,
                new Learner("56", "john@example.com", "John Doe", "John", "Doe", null, null, null),
                course,
                Enrollment.NONE,
                new Progress(40.0, false, null),
                Result.NONE,
                CompletedBy.LEARNER,
                Map.of());
        return CanonicalEvent.of(EventIds.derive("thinkific", "77"), EventType.PROGRESSED, time, data);
    }

    @Test
    void propertiesCarryTheSameFieldsAsTheJson() {
        // Microsecond precision and a time before the epoch both survive the long encoding.
        for (Instant time : new Instant[] {Instant.parse("2024-05-06T07:08:09.123456Z"), Instant.parse("1969-12-31T23:59:59.5Z")}) {
            CanonicalEvent event = event(time, new Course("48", "Course"));
            byte[] json = CanonicalJson.toBytes(event);

            RoutedEvent fromProperties = RoutedEvent.fromHeaders(RoutedEvent.headersOf(event), json);

            assertThat(fromProperties).usingRecursiveComparison().isEqualTo(RoutedEvent.parse(json));
            assertThat(fromProperties.time()).isEqualTo(time);
            assertThat(fromProperties.courseId()).isEqualTo("48");
            assertThat(fromProperties.type()).isEqualTo("course.progressed");
        }
    }

    @Test
    void anEventWithoutACourseHasNoCourseProperty() {
        CanonicalEvent event = event(Instant.parse("2024-05-06T07:08:09Z"), new Course(null, null));
        byte[] json = CanonicalJson.toBytes(event);

        assertThat(RoutedEvent.headersOf(event)).doesNotContainKey(RoutedEvent.COURSE_ID);
        assertThat(RoutedEvent.fromHeaders(RoutedEvent.headersOf(event), json).courseId()).isNull();
        assertThat(RoutedEvent.parse(json).courseId()).isNull();
    }

    @Test
    void aMessageWithoutPropertiesIsParsed() {
        CanonicalEvent event = event(Instant.parse("2024-05-06T07:08:09.5Z"), new Course("48", "Course"));
        byte[] json = CanonicalJson.toBytes(event);
        Map<String, Object> partial = new HashMap<>(RoutedEvent.headersOf(event));
        partial.remove(RoutedEvent.TIME_MICROS);

        assertThat(RoutedEvent.fromHeaders(Map.of(), json)).usingRecursiveComparison().isEqualTo(RoutedEvent.parse(json));
        assertThat(RoutedEvent.fromHeaders(partial, json).time()).isEqualTo(event.time());
        assertThat(RoutedEvent.fromHeaders(Map.of(), json).id()).isEqualTo(event.id());
    }

    @Test
    void somethingThatIsNotAnEventIsRefused() {
        assertThatThrownBy(() -> RoutedEvent.fromHeaders(Map.of(), "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The binary content mode's mapping of an event's attributes (CloudEvents HTTP binding 3.1.3), beyond the
 * five the canonical event carries today: every attribute present but {@code data} is a header, absent
 * (null) ones are not, {@code datacontenttype} is the Content-Type, and values are percent-encoded.
 */
class CloudEventsBindingTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonAndStructuredSendTheEventsOwnBytes() {
        byte[] event = utf8("{\"specversion\":\"1.0\",\"id\":\"e1\",\"data\":{}}");
        assertThat(CloudEventsBinding.of(CloudEventsMode.JSON, event).body()).isSameAs(event);
        assertThat(CloudEventsBinding.of(CloudEventsMode.JSON, event).contentType()).isEqualTo("application/json");
        assertThat(CloudEventsBinding.of(CloudEventsMode.STRUCTURED, event).body()).isSameAs(event);
        assertThat(CloudEventsBinding.of(CloudEventsMode.STRUCTURED, event).contentType())
                .isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(CloudEventsBinding.of(CloudEventsMode.STRUCTURED, event).headers()).isEmpty();
    }

    @Test
    void binaryMapsEveryAttributePresentAndCutsTheDataOutAsItIs() {
        byte[] event = utf8("{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/sources/x\",\"type\":\"course.completed\","
                + "\"subject\":\"learner 56\",\"time\":\"2014-02-01T00:20:05.522Z\",\"datacontenttype\":\"application/json\","
                + "\"dataschema\":null,\"data\" : { \"a\" : [1, {\"b\": \"}\"}], \"é\": \"x\" } ,\"traceparent\":\"00-ab\",\"count\":3}");
        CloudEventsBinding.Wire wire = CloudEventsBinding.of(CloudEventsMode.BINARY, event);

        assertThat(wire.contentType()).isEqualTo("application/json");
        assertThat(wire.headers()).containsExactly(
                java.util.Map.entry("ce-specversion", "1.0"), java.util.Map.entry("ce-id", "e1"),
                java.util.Map.entry("ce-source", "/sources/x"), java.util.Map.entry("ce-type", "course.completed"),
                java.util.Map.entry("ce-subject", "learner%2056"), java.util.Map.entry("ce-time", "2014-02-01T00:20:05.522Z"),
                java.util.Map.entry("ce-traceparent", "00-ab"), java.util.Map.entry("ce-count", "3"));
        assertThat(new String(wire.body(), StandardCharsets.UTF_8)).isEqualTo("{ \"a\" : [1, {\"b\": \"}\"}], \"é\": \"x\" }");
    }

    @Test
    void binaryTakesAScalarDataWholeAndNoDataAsAnEmptyBody() {
        assertThat(CloudEventsBinding.of(CloudEventsMode.BINARY, utf8("{\"id\":\"e1\",\"data\":\"a \\\"quoted\\\" text\"}")).body())
                .isEqualTo(utf8("\"a \\\"quoted\\\" text\""));
        assertThat(CloudEventsBinding.of(CloudEventsMode.BINARY, utf8("{\"id\":\"e1\"}")).body()).isEmpty();
    }

    @Test
    void headerValuesArePercentEncodedAsTheBindingSays() {
        assertThat(CloudEventsBinding.headerValue("plain/ascii-value")).isEqualTo("plain/ascii-value");
        assertThat(CloudEventsBinding.headerValue("a \"b\" 100% é\r\n")).isEqualTo("a%20%22b%22%20100%25%20%C3%A9%0D%0A");
    }

    @Test
    void anEventThatIsNotAJsonObjectIsRefusedInBinaryMode() {
        assertThatThrownBy(() -> CloudEventsBinding.of(CloudEventsMode.BINARY, utf8("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CloudEventsBinding.of(CloudEventsMode.BINARY, utf8("{\"id\":"))).isInstanceOf(IllegalArgumentException.class);
    }
}

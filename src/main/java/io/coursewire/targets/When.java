package io.coursewire.targets;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.jsonpath.JsonPathLanguage;
import org.apache.camel.spi.Language;

/**
 * A target's {@code when:} (§4): a predicate on the canonical event in Camel's own YAML form,
 * {@code simple: "${body[data][result][passed]} == true"} or {@code jsonpath: "$.data[?(@.result.passed == true)]"}.
 * It is compiled once, when the file is read; one that does not compile refuses the file. It is
 * evaluated on an exchange whose body is the event as a map ({@code body[data][course][id]}).
 */
public record When(String language, String expression, Predicate predicate) {

    /** The languages a {@code when:} may use. */
    public static final java.util.Set<String> LANGUAGES = java.util.Set.of("simple", "jsonpath");

    /** Compiles the predicate, or says why it does not compile. */
    static When compile(CamelContext camel, String language, String expression) throws IllegalArgumentException {
        try {
            if ("jsonpath".equals(language)) {
                com.jayway.jsonpath.JsonPath.compile(expression); // Camel's jsonpath compiles at the first evaluation
            }
            Predicate predicate = language(camel, language).createPredicate(expression);
            predicate.init(camel);
            return new When(language, expression, predicate);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(reason.lines().findFirst().orElse(reason), e);
        }
    }

    /**
     * Simple as the context has it. JsonPath from an instance of its own, so that the routes' jsonpath is
     * left as configured: a path the event does not have is "no match", not an error (the spec's
     * predicates name optional fields such as {@code result}), and {@code ${...}} is not read as simple.
     */
    private static Language language(CamelContext camel, String language) {
        if (!"jsonpath".equals(language)) {
            return camel.resolveLanguage(language);
        }
        JsonPathLanguage jsonPath = new JsonPathLanguage();
        jsonPath.setCamelContext(camel);
        jsonPath.setSuppressExceptions(true);
        jsonPath.setAllowSimple(false);
        return jsonPath;
    }

    /** True when the predicate holds for the event (the exchange's body is the event as a map). */
    public boolean matches(Exchange event) {
        return predicate.matches(event);
    }

    /** As in {@code targets.yaml}. */
    public Map<String, String> describe() {
        return Map.of(language, expression);
    }
}

package io.coursewire.targets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.canonical.CanonicalJson;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.ValueResolver;
import io.quarkus.qute.Variant;

/**
 * The Qute templates of email targets (subject, text and HTML body): parsed and checked when
 * {@code targets.yaml} is read, so a typo refuses the file instead of failing every send; rendered
 * once per event.
 *
 * <p><b>What a template sees</b>: the fields of the event's {@code data} object by their names in the
 * canonical schema ({@code {learner.name}}, {@code {course.title}}, {@code {result.score}},
 * {@code {progress.percent}}, {@code {enrollment.completedAt}}, {@code {vendor}}, {@code {extensions.x}}
 * …), and the envelope under the reserved name {@code event}: {@code {event.id}}, {@code {event.type}},
 * {@code {event.time}}, {@code {event.source}}. The names are read from the canonical JSON Schema
 * itself, so a field the schema gains is usable at once. An absent value renders as nothing (never
 * {@code null}); {@code {field ?: 'text'}} (or {@code {field or 'text'}}) renders a default instead,
 * and {@code {#if field}…{#else}…{/if}} (with {@code ==}, {@code !=}, {@code >}, {@code &&} … and
 * {@code null}) shows a passage only when a value is there.
 *
 * <p><b>What is refused</b>, naming the field and the line: a name not in the schema
 * ({@code {learner.nmae}}), a field below a value ({@code {learner.name.first}}), a namespace
 * ({@code {inject:x}}), a method other than {@code ?:}/{@code or}, and any section but {@code {#if}}
 * (loops, includes and lets have nothing to work on in one event and would fail only when sending).
 *
 * <p>The HTML body escapes every value ({@code <}, {@code &}, quotes): a learner's name cannot inject
 * markup into the registrar's mail.
 */
final class EmailTemplates {

    /** The reserved top-level name of the envelope attributes. */
    static final String EVENT = "event";
    private static final Set<String> EVENT_ATTRIBUTES = Set.of("id", "type", "time", "source");
    /** Defaults a template may give an absent value: {@code {x ?: 'y'}} and {@code {x or 'y'}}. */
    private static final Set<String> ALLOWED_METHODS = Set.of("?:", "or");
    private static final Set<String> ALLOWED_SECTIONS = Set.of("if");
    /** Marks a field whose keys are free ({@code extensions}): any one key below it is allowed. */
    private static final Set<String> ANY_KEY = Collections.unmodifiableSet(new TreeSet<>(Set.of("*")));

    /**
     * The names a template may use: top-level name → the names below it (empty for a value,
     * {@link #ANY_KEY} for {@code extensions}).
     */
    static final Map<String, Set<String>> FIELDS = fields();

    static final String TEXT = "text/plain";
    static final String HTML = "text/html";

    private static final Engine ENGINE = Engine.builder()
            .addDefaults()
            // Ahead of Qute's own map resolver, which fails on a key a map lacks: a vendor's absent
            // extension renders as nothing, like every other absent value.
            .addValueResolver(ValueResolver.builder()
                    .priority(100)
                    .appliesTo(ctx -> ctx.getBase() instanceof Map && ctx.getParams().isEmpty()
                            && !ALLOWED_METHODS.contains(ctx.getName()))
                    .resolveSync(ctx -> ((Map<?, ?>) ctx.getBase()).get(ctx.getName()))
                    .build())
            .addResultMapper(new HtmlEscaper(List.of(HTML)))
            .build();

    private EmailTemplates() {
    }

    /** A template that did not parse or uses what it cannot see; the message names the line. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses and checks one body template. {@code id} names it in messages ({@code completion.txt line 3:
     * …}); {@code contentType} {@value #HTML} escapes the values it renders.
     */
    static Template parse(String content, String contentType, String id) throws Refused {
        return parse(content, contentType, id, true);
    }

    /** Parses and checks a subject: one line, so its messages name no line. */
    static Template parseSubject(String content) throws Refused {
        return parse(content, TEXT, "subject", false);
    }

    private static Template parse(String content, String contentType, String id, boolean located) throws Refused {
        Template template;
        try {
            template = ENGINE.parse(content, Variant.forContentType(contentType), id);
        } catch (TemplateException e) {
            throw new Refused(e.getMessage());
        }
        for (TemplateNode node : template.findNodes(TemplateNode::isSection)) {
            String name = node.asSection().getName();
            if (!ALLOWED_SECTIONS.contains(name)) {
                throw new Refused(where(located, id, node.getOrigin()) + "section {#" + name + "} is not supported (only {#if})");
            }
        }
        for (Expression expression : template.getExpressions()) {
            check(expression, where(located, id, expression.getOrigin()));
        }
        return template;
    }

    private static String where(boolean located, String id, TemplateNode.Origin origin) {
        if (!located) {
            return "";
        }
        return (origin == null || origin.getLine() < 0 ? id : id + " line " + origin.getLine()) + ": ";
    }

    private static void check(Expression expression, String where) throws Refused {
        String written = "{" + expression.toOriginalString() + "}";
        if (expression.hasNamespace()) {
            throw new Refused(where + written + ": namespaces are not supported");
        }
        if (expression.isLiteral()) {
            return;
        }
        List<Expression.Part> parts = expression.getParts();
        Set<String> below = null;
        StringBuilder path = new StringBuilder();
        boolean defaults = false;
        for (int i = 0; i < parts.size(); i++) {
            Expression.Part part = parts.get(i);
            if (part.isVirtualMethod()) {
                if (i == 0 || !ALLOWED_METHODS.contains(part.getName())) {
                    throw new Refused(where + written + ": '" + part.getName() + "(…)' is not supported (only ?: and or)");
                }
                for (Expression parameter : part.asVirtualMethod().getParameters()) {
                    check(parameter, where);
                }
                defaults = true;
                continue;
            }
            if (defaults) {
                throw new Refused(where + written + ": a field after a default is not supported");
            }
            String name = part.getName();
            String parent = path.toString();
            path.append(i == 0 ? "" : ".").append(name);
            if (i == 0) {
                below = EVENT.equals(name) ? EVENT_ATTRIBUTES : FIELDS.get(name);
                if (below == null) {
                    throw new Refused(where + "unknown field '" + path + "' (fields: " + String.join(", ", topNames()) + ")");
                }
            } else if (below == ANY_KEY) {
                below = Set.of();
            } else if (below.isEmpty()) {
                throw new Refused(where + "unknown field '" + path + "' ('" + parent + "' is a value, it has no fields)");
            } else if (!below.contains(name)) {
                throw new Refused(where + "unknown field '" + path + "' (" + parent + " has: " + String.join(", ", new TreeSet<>(below)) + ")");
            } else {
                below = Set.of();
            }
        }
    }

    private static Set<String> topNames() {
        Set<String> names = new TreeSet<>(FIELDS.keySet());
        names.add(EVENT);
        return names;
    }

    /**
     * What the templates see of one canonical event: its {@code data} fields, every field the schema
     * names present (null when the event lacks it), and the envelope as {@code event}.
     */
    static Map<String, Object> data(JsonNode event) {
        JsonNode data = event.path("data");
        Map<String, Object> view = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> field : FIELDS.entrySet()) {
            JsonNode value = data.get(field.getKey());
            Set<String> below = field.getValue();
            if (below.isEmpty()) {
                view.put(field.getKey(), scalar(value));
            } else {
                Map<String, Object> object = new LinkedHashMap<>();
                if (value != null && value.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        object.put(e.getKey(), scalar(e.getValue()));
                    }
                }
                if (below != ANY_KEY) {
                    below.forEach(b -> object.putIfAbsent(b, null));
                }
                view.put(field.getKey(), object);
            }
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        EVENT_ATTRIBUTES.forEach(a -> envelope.put(a, scalar(event.get(a))));
        view.put(EVENT, envelope);
        return view;
    }

    /** Text, number or boolean as Java values; a nested object or list renders as its JSON. */
    private static Object scalar(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            // 100.0 (a percent) reads as 100; 87.5 as 87.5
            java.math.BigDecimal number = value.decimalValue();
            if (number.signum() == 0 || number.stripTrailingZeros().scale() <= 0) {
                try {
                    return number.longValueExact();
                } catch (ArithmeticException tooLarge) {
                    return number.toBigInteger();
                }
            }
            return number.doubleValue();
        }
        return value.toString();
    }

    static String render(Template template, Map<String, Object> data) {
        return template.data(data).render();
    }

    private static Map<String, Set<String>> fields() {
        try (InputStream in = EmailTemplates.class.getResourceAsStream("/schema/canonical-event.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("schema/canonical-event.schema.json is not on the class path");
            }
            JsonNode properties = CanonicalJson.MAPPER.readTree(in).path("properties").path("data").path("properties");
            Map<String, Set<String>> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode schema = field.getValue();
                if (schema.has("properties")) {
                    Set<String> below = new TreeSet<>();
                    schema.path("properties").fieldNames().forEachRemaining(below::add);
                    fields.put(field.getKey(), Collections.unmodifiableSet(below));
                } else if ("object".equals(schema.path("type").asText())) {
                    fields.put(field.getKey(), ANY_KEY);
                } else {
                    fields.put(field.getKey(), Set.of());
                }
            }
            if (fields.containsKey(EVENT)) {
                throw new IllegalStateException("the canonical data has a field named '" + EVENT + "', reserved for the envelope");
            }
            return Collections.unmodifiableMap(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.coursewire.console;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Masks a learner's email, phone and tax id in an event shown on screen: operators look at events
 * with others around, and a screenshot should not carry them. By field name, at any depth, so
 * vendors' extensions are covered as well as the canonical learner.
 */
final class PersonalData {

    private PersonalData() {
    }

    /** A masked copy; {@code event} is left as it is. */
    static JsonNode masked(JsonNode event) {
        JsonNode copy = event.deepCopy();
        mask(copy);
        return copy;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isValueNode() && !value.isNull()) {
                    String kind = kind(name);
                    if (kind != null) {
                        object.set(name, TextNode.valueOf(switch (kind) {
                            case "email" -> email(value.asText());
                            case "phone" -> phone(value.asText());
                            default -> "***";
                        }));
                        continue;
                    }
                }
                mask(value);
            }
        } else if (node instanceof ArrayNode array) {
            for (Iterator<JsonNode> it = array.elements(); it.hasNext();) {
                mask(it.next());
            }
        }
    }

    private static String kind(String field) {
        String f = field.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (f.equals("email") || f.endsWith("email") || f.equals("mail")) {
            return "email";
        }
        if (f.contains("phone") || f.equals("mobile")) {
            return "phone";
        }
        if (f.contains("taxid") || f.contains("vatid") || f.equals("vat") || f.equals("ssn") || f.equals("tin")
                || f.contains("taxnumber")) {
            return "tax";
        }
        return null;
    }

    /** {@code jane@example.com} becomes {@code j***@example.com}: enough to tell learners apart. */
    static String email(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    /** The last 2 digits only. */
    static String phone(String phone) {
        String digits = phone.replaceAll("\\D", "");
        return digits.length() <= 2 ? "***" : "***" + digits.substring(digits.length() - 2);
    }
}

package io.coursewire.targets;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.qute.Template;

/**
 * Sends an email per event to {@code to}, {@code cc} and {@code bcc} (addresses, or the learner as
 * {@link EmailTargetKind#LEARNER_EMAIL}), with a {@code subject} template and the body templates
 * {@code <template>.txt} and, when there is one, {@code <template>.html} (the message is then
 * multipart/alternative). The templates are parsed and checked when the file is read: {@link #templates()}.
 */
public record EmailTarget(String name, Filters filters, List<String> to, List<String> cc, List<String> bcc, String subject,
        String template, Templates templates, List<Path> sources) implements Target {

    /** The subject and bodies, parsed and checked ({@link EmailTemplates}). */
    public record Templates(Template subject, Template text, Optional<Template> html) {
    }

    @Override
    public String type() {
        return EmailTargetKind.TYPE;
    }

    /** Its template files, {@code .html} included even when absent: adding one changes the target. */
    @Override
    public List<Path> sources() {
        return sources;
    }

    /**
     * Addresses are personal data: each is shown masked ({@code r***@example.edu}), the learner as
     * {@code {learner.email}}. The subject is shown as written (a template, not a rendered value).
     */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> described = Target.describeCommon(this);
        described.put("to", masked(to));
        if (!cc.isEmpty()) {
            described.put("cc", masked(cc));
        }
        if (!bcc.isEmpty()) {
            described.put("bcc", masked(bcc));
        }
        described.put("subject", subject);
        described.put("template", template);
        described.put("html", templates.html().isPresent());
        return described;
    }

    private static List<String> masked(List<String> addresses) {
        return addresses.stream().map(EmailTarget::mask).toList();
    }

    /**
     * {@code registrar@example.edu} → {@code r***@example.edu}; {@code {learner.email}} as it is;
     * anything without an {@code @} → {@code ***}.
     */
    public static String mask(String address) {
        if (EmailTargetKind.LEARNER_EMAIL.equals(address)) {
            return address;
        }
        int at = address == null ? -1 : address.lastIndexOf('@');
        if (at <= 0) {
            return MASKED;
        }
        return address.charAt(0) + MASKED + address.substring(at);
    }

    /** No address: targets are logged by name only. */
    @Override
    public String toString() {
        return "EmailTarget[" + name + " → template " + template + "]";
    }
}

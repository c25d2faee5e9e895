package io.coursewire.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import com.fasterxml.jackson.databind.JsonNode;

import io.coursewire.CoursewireConfig;
import io.coursewire.canonical.CanonicalJson;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;

/**
 * {@code type: email}: {@code to} (required), {@code cc}, {@code bcc} (lists of addresses, or
 * {@code "{learner.email}"} for the event's learner), {@code subject} (required, a template) and
 * {@code template} (required, a name {@code [a-z0-9-]+}): the body is {@code <template>.txt} (required)
 * and, if present, {@code <template>.html}, which makes the message multipart/alternative.
 *
 * <p><b>Where templates are</b>: in the {@code templates} directory beside the targets file, so
 * {@code config/templates/} for the default {@code config/targets.yaml}; a targets file elsewhere
 * (a test's, a ConfigMap's) brings its templates beside it. They are read with the targets file: a
 * template that does not parse or names a field the event does not have refuses the file (see
 * {@link EmailTemplates} for what templates see). The registry watches them with the targets file
 * ({@link Target#sources()}): an edited template is read again, and refused like a bad targets file.
 *
 * <p><b>Recipients</b>: {@code {learner.email}} is the event's {@code data.learner.email} when it is
 * present and a valid address, and is skipped otherwise; the other addresses receive the message all
 * the same. An address listed twice receives one copy (To before Cc before Bcc). An event left with no
 * recipient at all (the target lists only the learner, who has no valid email) cannot be sent now or
 * later: the attempt fails permanently and is dead-lettered at once, where the operator sees it.
 *
 * <p>Addresses are personal data: none is ever logged, put into an error or shown by the admin API in
 * clear ({@link EmailTarget#mask}).
 */
@Singleton
public class EmailTargetKind implements TargetKind<EmailTarget> {

    /** The value of {@code type:} for this kind. */
    public static final String TYPE = "email";
    /** A recipient entry standing for the event's learner. */
    public static final String LEARNER_EMAIL = "{learner.email}";
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9-]+");
    private static final Pattern ADDRESS_LIKE = Pattern.compile("[^\\s<>\"'(),;:\\[\\]@]+@[A-Za-z0-9.\\[\\]:-]+");

    /** Sends a composed message: SMTP through camel-mail in the service ({@link SmtpMailer}). */
    public interface Mailer {
        void send(Email email) throws DeliveryFailedException, InterruptedException;
    }

    /** One message as composed for one event: recipients resolved, subject and bodies rendered. */
    public record Email(List<String> to, List<String> cc, List<String> bcc, String subject, String text, Optional<String> html) {
        /** No address, no content: personal data. */
        @Override
        public String toString() {
            return "Email[" + (to.size() + cc.size() + bcc.size()) + " recipient(s)" + (html.isPresent() ? ", html" : "") + "]";
        }
    }

    private final Path templates;
    private final Mailer mailer;

    @Inject
    public EmailTargetKind(CoursewireConfig config, SmtpMailer mailer) {
        this(templatesBeside(Path.of(config.targets().file())), mailer);
    }

    /** Templates from {@code templates}, messages to {@code mailer} (null when only reading files). */
    public EmailTargetKind(Path templates, Mailer mailer) {
        this.templates = templates;
        this.mailer = mailer;
    }

    /** The {@code templates} directory beside a targets file. */
    public static Path templatesBeside(Path targetsFile) {
        return targetsFile.toAbsolutePath().getParent().resolve("templates");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Set<String> keys() {
        return Set.of("to", "cc", "bcc", "subject", "template");
    }

    @Override
    public EmailTarget read(TargetEntry entry, Target.Filters filters) throws InvalidTargetsException {
        List<String> to = recipients(entry, "to", true);
        List<String> cc = recipients(entry, "cc", false);
        List<String> bcc = recipients(entry, "bcc", false);
        String subjectSource = entry.text("subject", true);
        Template subject;
        try {
            subject = EmailTemplates.parseSubject(subjectSource);
        } catch (EmailTemplates.Refused e) {
            throw entry.invalid("'subject': " + e.getMessage());
        }
        String name = entry.text("template", true);
        if (!TEMPLATE_NAME.matcher(name).matches()) {
            throw entry.invalid("'template' must be a name matching [a-z0-9-]+ (the files are " + templates + "/<name>.txt and .html)");
        }
        Path textFile = templates.resolve(name + ".txt");
        Path htmlFile = templates.resolve(name + ".html");
        if (!Files.isRegularFile(textFile)) {
            throw entry.invalid("'template' " + name + ": " + textFile + " does not exist");
        }
        Template text = template(entry, name, textFile, EmailTemplates.TEXT);
        Optional<Template> html = Files.exists(htmlFile) ? Optional.of(template(entry, name, htmlFile, EmailTemplates.HTML)) : Optional.empty();
        return new EmailTarget(entry.name(), filters, to, cc, bcc, subjectSource, name, new EmailTarget.Templates(subject, text, html),
                List.of(textFile, htmlFile));
    }

    private static Template template(TargetEntry entry, String name, Path file, String contentType) throws InvalidTargetsException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw entry.invalid("'template' " + name + ": " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        try {
            return EmailTemplates.parse(content, contentType, file.getFileName().toString());
        } catch (EmailTemplates.Refused e) {
            throw entry.invalid("'template' " + name + ": " + e.getMessage());
        }
    }

    /**
     * A list of addresses, each valid per RFC 822 (checked strictly, a bare address without a display
     * name), or {@link #LEARNER_EMAIL}. The message names the key and the position, never the value.
     */
    private static List<String> recipients(TargetEntry entry, String key, boolean required) throws InvalidTargetsException {
        JsonNode v = entry.node().get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw entry.invalid("'" + key + "' is required");
            }
            return List.of();
        }
        if (!v.isArray() || (required && v.isEmpty())) {
            throw entry.invalid("'" + key + "' must be a " + (required ? "non-empty " : "") + "list of email addresses or \""
                    + LEARNER_EMAIL + "\"");
        }
        Set<String> addresses = new LinkedHashSet<>();
        int index = 0;
        for (JsonNode item : v) {
            String address = item.isTextual() ? item.asText().trim() : "";
            if (!address.equals(LEARNER_EMAIL) && !valid(address)) {
                throw entry.invalid("'" + key + "'[" + index + "] is not an email address (name@domain) nor \"" + LEARNER_EMAIL + "\"");
            }
            addresses.add(address);
            index++;
        }
        return List.copyOf(addresses);
    }

    /** A bare address, valid per RFC 822 as Jakarta Mail checks it strictly. */
    static boolean valid(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            return parsed.getPersonal() == null && address.equals(parsed.getAddress()) && address.indexOf('@') > 0;
        } catch (AddressException e) {
            return false;
        }
    }

    @Override
    public Integer deliver(EmailTarget target, OutboundEvent event) throws DeliveryFailedException, InterruptedException {
        mailer.send(compose(target, event));
        return null;
    }

    /** The message an event makes for a target; fails permanently when it has no recipient. */
    static Email compose(EmailTarget target, OutboundEvent event) throws DeliveryFailedException {
        JsonNode json;
        try {
            json = CanonicalJson.MAPPER.readTree(event.json());
        } catch (IOException e) {
            throw new DeliveryFailedException(null, "the event is not JSON: " + e.getClass().getSimpleName(), true);
        }
        JsonNode learnerEmail = json.path("data").path("learner").path("email");
        String learner = learnerEmail.isTextual() && valid(learnerEmail.asText().trim()) ? learnerEmail.asText().trim() : null;
        Set<String> seen = new LinkedHashSet<>();
        List<String> to = resolve(target.to(), learner, seen);
        List<String> cc = resolve(target.cc(), learner, seen);
        List<String> bcc = resolve(target.bcc(), learner, seen);
        if (seen.isEmpty()) {
            throw new DeliveryFailedException(null, "no recipient: the event has no valid learner email and the target lists no other address",
                    true);
        }
        Map<String, Object> data = EmailTemplates.data(json);
        EmailTarget.Templates templates = target.templates();
        try {
            String subject = EmailTemplates.render(templates.subject(), data).replaceAll("[\\r\\n\\t]+", " ").strip();
            String text = EmailTemplates.render(templates.text(), data);
            Optional<String> html = templates.html().map(t -> EmailTemplates.render(t, data));
            return new Email(to, cc, bcc, subject, text, html);
        } catch (TemplateException e) {
            // Checked at load, so not expected; the same event would fail the same way on every retry.
            throw new DeliveryFailedException(null, "template " + target.template() + " failed to render: " + withoutAddresses(e.getMessage()),
                    true);
        }
    }

    private static List<String> resolve(List<String> entries, String learner, Set<String> seen) {
        List<String> resolved = new ArrayList<>();
        for (String entry : entries) {
            String address = LEARNER_EMAIL.equals(entry) ? learner : entry;
            if (address != null && seen.add(address.toLowerCase(java.util.Locale.ROOT))) {
                resolved.add(address);
            }
        }
        return List.copyOf(resolved);
    }

    /** Any {@code name@domain} in a message (an SMTP server's answer, say) masked as {@link EmailTarget#mask} does. */
    static String withoutAddresses(String message) {
        if (message == null) {
            return "";
        }
        Matcher m = ADDRESS_LIKE.matcher(message);
        StringBuilder masked = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(masked, Matcher.quoteReplacement(EmailTarget.mask(m.group())));
        }
        m.appendTail(masked);
        return masked.toString();
    }
}

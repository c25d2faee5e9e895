package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.CoursewireConfig;
import io.coursewire.canonical.CanonicalJson;

/**
 * The email target without Camel or a server: what a targets file may say, what a template may use,
 * the message an event makes (recipients, subject, bodies) from the shipped templates, and what is
 * never shown in clear.
 */
class EmailTargetKindTest {

    /** A canonical event as the service writes it (every field present), a DigitalChalk completion with a grade. */
    static ObjectNode event() throws Exception {
        return (ObjectNode) CanonicalJson.MAPPER.readTree("""
                {"specversion": "1.0", "id": "evt_0123456789abcdef0123456789abcdef", "source": "/sources/digitalchalk",
                 "type": "course.completed", "time": "2024-03-05T14:07:09Z", "datacontenttype": "application/json",
                 "data": {"vendor": "digitalchalk", "vendorEvent": "offering.completed", "vendorEventId": null,
                   "tenant": {"id": null, "host": null},
                   "learner": {"id": "u-77", "email": "ana.lima@example.com", "name": "Ana Lima", "firstName": "Ana",
                               "lastName": "Lima", "username": null, "phone": null, "locale": null},
                   "course": {"id": "off-9", "title": "Lab Safety 101"},
                   "enrollment": {"id": "r-1", "startedAt": null, "completedAt": "2024-03-05T14:00:00Z", "expiresAt": null, "active": null},
                   "progress": {"percent": 100.0, "completed": true, "threshold": null},
                   "result": {"score": 87.5, "passed": true},
                   "completedBy": "learner", "extensions": {"source": "api"}}}
                """);
    }

    static OutboundEvent outbound(ObjectNode event) throws Exception {
        return new OutboundEvent(event.path("id").asText(), CanonicalJson.MAPPER.writeValueAsBytes(event));
    }

    static ObjectNode data(ObjectNode event) {
        return (ObjectNode) event.get("data");
    }

    static ObjectNode obj(ObjectNode event, String field) {
        return (ObjectNode) data(event).get(field);
    }

    /** A reader with the shipped templates (config/templates), as the service has them. */
    static final EmailTargetKind SHIPPED = new EmailTargetKind(Path.of("config/templates"), null);

    static EmailTarget read(EmailTargetKind kind, String entry) throws Exception {
        return (EmailTarget) new TargetsFile(new TargetKinds(List.of(kind)), TargetsFileTest.CAMEL).parse("targets: [" + entry + "]").get(0);
    }

    static EmailTarget registrar() throws Exception {
        return read(SHIPPED, "{name: registrar, type: email, to: [registrar@example.edu, '{learner.email}'], cc: [dean@example.edu],"
                + " bcc: [audit@example.org], subject: '{learner.name} completed {course.title}', template: completion}");
    }

    @Test
    void readsATargetAndShowsNoAddressInClear() throws Exception {
        EmailTarget target = registrar();
        assertThat(target.to()).containsExactly("registrar@example.edu", "{learner.email}");
        assertThat(target.describe())
                .containsEntry("to", List.of("r***@example.edu", "{learner.email}"))
                .containsEntry("cc", List.of("d***@example.edu"))
                .containsEntry("bcc", List.of("a***@example.org"))
                .containsEntry("subject", "{learner.name} completed {course.title}")
                .containsEntry("template", "completion")
                .containsEntry("html", true);
        assertThat(target.toString()).doesNotContain("registrar@").doesNotContain("dean@").doesNotContain("audit@");
    }

    @Test
    void theShippedCompletionTemplatesGiveTheRegistrarTheRecord() throws Exception {
        EmailTargetKind.Email email = EmailTargetKind.compose(registrar(), outbound(event()));

        assertThat(email.to()).containsExactly("registrar@example.edu", "ana.lima@example.com");
        assertThat(email.cc()).containsExactly("dean@example.edu");
        assertThat(email.bcc()).containsExactly("audit@example.org");
        assertThat(email.subject()).isEqualTo("Ana Lima completed Lab Safety 101");
        assertThat(email.text())
                .contains("Ana Lima has completed Lab Safety 101.")
                .containsPattern("Email: +ana.lima@example.com")
                .containsPattern("Learner ID: +u-77")
                .containsPattern("Course ID: +off-9")
                .containsPattern("Completed at: +2024-03-05T14:00:00Z")
                .containsPattern("Progress: +100%")
                .containsPattern("Score: +87.5")
                .containsPattern("Result: +passed")
                .containsPattern("Platform: +digitalchalk\n")
                .containsPattern("Event ID: +evt_0123456789abcdef0123456789abcdef")
                .doesNotContain("administrator");
        assertThat(email.html()).hasValueSatisfying(html -> assertThat(html)
                .contains("<strong>Ana Lima</strong> has completed <strong>Lab Safety 101</strong>")
                .contains("<td>Score</td><td>87.5</td>")
                .contains("<td>Result</td><td>passed</td>")
                .contains("<td>Completed at</td><td>2024-03-05T14:00:00Z (UTC)</td>"));
    }

    @Test
    void absentFieldsRenderAsNothingAndTheirPassagesDisappear() throws Exception {
        ObjectNode event = event();
        obj(event, "result").putNull("score").putNull("passed");
        obj(event, "learner").putNull("name");
        obj(event, "enrollment").putNull("completedAt");
        obj(event, "progress").putNull("percent");
        data(event).remove("extensions");
        ((ObjectNode) data(event).get("course")).remove("title");

        EmailTargetKind.Email email = EmailTargetKind.compose(registrar(), outbound(event));

        assertThat(email.subject()).isEqualTo("completed");
        assertThat(email.text())
                .contains("A learner has completed a course.")
                .containsPattern("Name: +\\(not given\\)")
                .containsPattern("Completed at: +2024-03-05T14:07:09Z") // the event's time when the vendor gives no completion time
                .doesNotContain("Score").doesNotContain("Result").doesNotContain("Progress")
                .doesNotContain("null").doesNotContain("NOT_FOUND");
        assertThat(email.html().orElseThrow()).doesNotContain("Score").doesNotContain("null").doesNotContain("NOT_FOUND");
    }

    @Test
    void aNotPassedResultAndAnAdminCompletionAreSaid() throws Exception {
        ObjectNode event = event();
        obj(event, "result").put("passed", false).put("score", 0);
        data(event).put("completedBy", "admin");
        String text = EmailTargetKind.compose(registrar(), outbound(event)).text();
        assertThat(text).containsPattern("Score: +0\n").containsPattern("Result: +not passed").contains("Marked complete by an administrator.");
    }

    @Test
    void everyFieldAndTheEnvelopeCanBeUsedAndAnAbsentExtensionIsEmpty(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("all.txt"), "{learner.phone}|{extensions.source}|{extensions.nothing}|{tenant.host}|"
                + "{event.type}|{event.source}|{vendorEvent}|{progress.percent}|{result.score ?: '-'}");
        EmailTarget target = read(new EmailTargetKind(dir, null), "{name: t, type: email, to: [a@example.org], subject: x, template: all}");
        assertThat(EmailTargetKind.compose(target, outbound(event())).text())
                .isEqualTo("|api|||course.completed|/sources/digitalchalk|offering.completed|100|87.5");
        assertThat(target.templates().html()).isEmpty();
    }

    @Test
    void theHtmlBodyEscapesValuesAndTheSubjectStaysOneLine() throws Exception {
        ObjectNode event = event();
        obj(event, "learner").put("name", "<b>Ana</b> & Co\r\nBcc: everyone@example.com");
        EmailTargetKind.Email email = EmailTargetKind.compose(registrar(), outbound(event));
        assertThat(email.subject()).doesNotContain("\r").doesNotContain("\n").startsWith("<b>Ana</b> & Co Bcc:");
        assertThat(email.html().orElseThrow()).contains("&lt;b&gt;Ana&lt;/b&gt; &amp; Co").doesNotContain("<b>Ana</b>");
        assertThat(email.text()).contains("<b>Ana</b> & Co");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "misspelt field        | Dear {learner.nmae}                     | completion.txt line 2: unknown field 'learner.nmae' (learner has: email, firstName, id",
            "unknown top name      | {student.name}                          | unknown field 'student' (fields: completedBy, course, enrollment, event,",
            "field below a value   | {learner.name.first}                    | unknown field 'learner.name.first' ('learner.name' is a value",
            "unclosed if           | {#if result.passed}passed               | unterminated section [if]",
            "unclosed expression   | {learner.name                           | unterminated expression",
            "a loop                | {#for x in learner}{x}{/for}            | section {#for} is not supported",
            "a namespace           | {config:foo}                            | namespaces are not supported",
            "a method              | {learner.name.toUpperCase()}            | 'toUpperCase(…)' is not supported",
            "typo in a default     | {learner.name ?: learner.nmae}          | unknown field 'learner.nmae'",
            "typo in a condition   | {#if result.pased}x{/if}                | unknown field 'result.pased'",
    })
    void aTemplateTypoRefusesTheFileNamingTheKeyAndTheField(String what, String line, String reason, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("completion.txt"), "Hello,\n" + line + "\n");
        assertThatThrownBy(() -> read(new EmailTargetKind(dir, null),
                "{name: registrar, type: email, to: [a@example.org], subject: x, template: completion}"))
                .isInstanceOf(InvalidTargetsException.class)
                .hasMessageStartingWith("targets[0] (registrar): 'template' completion: ")
                .hasMessageContaining(reason);
    }

    @Test
    void anHtmlTemplateIsCheckedToo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("c.txt"), "{learner.name}");
        Files.writeString(dir.resolve("c.html"), "<p>{course.titel}</p>");
        assertThatThrownBy(() -> read(new EmailTargetKind(dir, null), "{name: t, type: email, to: [a@example.org], subject: x, template: c}"))
                .hasMessageContaining("'template' c: c.html line 1: unknown field 'course.titel' (course has: id, title)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty to          | to: []                                           | 'to' must be a non-empty list",
            "to not a list     | to: a@example.org                                | 'to' must be a non-empty list",
            "display name      | to: ['Registrar <r@example.edu>']                | 'to'[0] is not an email address",
            "no domain         | to: [a@example.org], cc: [registrar]              | 'cc'[0] is not an email address",
            "other placeholder | to: [a@example.org], bcc: ['{learner.name}']      | 'bcc'[0] is not an email address",
            "subject typo      | to: [a@example.org], subject: '{course.name}'    | 'subject': unknown field 'course.name' (course has: id, title)",
            "subject unclosed  | to: [a@example.org], subject: '{#if course.id}x' | 'subject': Parser error",
    })
    void badRecipientsAndSubjectsAreRefusedWithoutEchoingAddresses(String what, String keys, String reason) {
        String entry = "{name: t, type: email, subject: x, template: completion, " + keys + "}";
        if (keys.contains("subject:")) {
            entry = "{name: t, type: email, template: completion, " + keys + "}";
        }
        String yaml = entry;
        assertThatThrownBy(() -> read(SHIPPED, yaml)).isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining(reason)
                .message().doesNotContain("r@example.edu").doesNotContain("registrar]");
    }

    @Test
    void anEventWithoutAValidLearnerEmailGoesToTheOtherAddressesOnly() throws Exception {
        for (String missing : new String[] { null, "", "[TEST] [email protected]", "not-an-address" }) {
            ObjectNode event = event();
            if (missing == null) {
                obj(event, "learner").putNull("email");
            } else {
                obj(event, "learner").put("email", missing);
            }
            EmailTargetKind.Email email = EmailTargetKind.compose(registrar(), outbound(event));
            assertThat(email.to()).as("learner email %s", missing).containsExactly("registrar@example.edu");
            assertThat(email.cc()).containsExactly("dean@example.edu");
        }
    }

    @Test
    void withNoRecipientAtAllTheAttemptFailsPermanently() throws Exception {
        EmailTarget learnerOnly = read(SHIPPED, "{name: t, type: email, to: ['{learner.email}'], subject: x, template: completion}");
        ObjectNode event = event();
        obj(event, "learner").putNull("email");
        List<EmailTargetKind.Email> sent = new ArrayList<>();
        EmailTargetKind kind = new EmailTargetKind(Path.of("config/templates"), sent::add);
        assertThatThrownBy(() -> kind.deliver(learnerOnly, outbound(event)))
                .isInstanceOfSatisfying(DeliveryFailedException.class, e -> assertThat(e.permanent()).isTrue())
                .hasMessageContaining("no recipient");
        assertThat(sent).isEmpty();

        // With the learner's email it goes to the learner.
        assertThat(kind.deliver(learnerOnly, outbound(event()))).isNull();
        assertThat(sent).singleElement().satisfies(e -> assertThat(e.to()).containsExactly("ana.lima@example.com"));
        assertThat(sent.get(0).toString()).doesNotContain("ana.lima");
    }

    @Test
    void anAddressListedTwiceGetsOneCopy() throws Exception {
        EmailTarget target = read(SHIPPED, "{name: t, type: email, to: ['{learner.email}', registrar@example.edu],"
                + " cc: [Ana.Lima@example.com, registrar@example.edu], bcc: [registrar@example.edu, x@example.org], subject: x, template: completion}");
        EmailTargetKind.Email email = EmailTargetKind.compose(target, outbound(event()));
        assertThat(email.to()).containsExactly("ana.lima@example.com", "registrar@example.edu");
        assertThat(email.cc()).isEmpty();
        assertThat(email.bcc()).containsExactly("x@example.org");
    }

    @Test
    void smtpFailuresNameNoAddress() throws Exception {
        SendFailedException refused = new SendFailedException("Invalid Addresses",
                new SendFailedException("550 5.1.1 <ana.lima@example.com>: Recipient address rejected"),
                new jakarta.mail.Address[0], new jakarta.mail.Address[0], new InternetAddress[] { new InternetAddress("ana.lima@example.com") });
        String reason = SmtpMailer.reason(refused);
        assertThat(reason).contains("SendFailedException: Invalid Addresses").contains("550 5.1.1 <a***@example.com>")
                .doesNotContain("ana.lima");
    }

    @Test
    void theSmtpEndpointCarriesTheLoginRawAndRequiresStarttlsWhenOn() {
        String uri = SmtpMailer.uri(mail("smtp.example.edu", 587, "mailer", "p&ss=w0rd+(x)", true), Duration.ofSeconds(10));
        assertThat(uri).startsWith("smtp://smtp.example.edu:587?from=RAW(coursewire@example.edu)")
                .contains("&connectionTimeout=10000&mail.smtp.writetimeout=10000")
                .contains("&username=RAW(mailer)&password=RAW{p&ss=w0rd+(x)}")
                .contains("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        assertThat(SmtpMailer.uri(mail("localhost", 25, null, null, false), Duration.ofSeconds(1)))
                .doesNotContain("username").doesNotContain("password").doesNotContain("starttls");
    }

    static CoursewireConfig.Mail mail(String host, int port, String username, String password, boolean starttls) {
        return new CoursewireConfig.Mail() {
            public String host() {
                return host;
            }

            public int port() {
                return port;
            }

            public Optional<String> username() {
                return Optional.ofNullable(username);
            }

            public Optional<String> password() {
                return Optional.ofNullable(password);
            }

            public String from() {
                return "coursewire@example.edu";
            }

            public boolean starttls() {
                return starttls;
            }
        };
    }

    @Test
    void theTemplatesDirectoryIsBesideTheTargetsFile() {
        assertThat(EmailTargetKind.templatesBeside(Path.of("config/targets.yaml")))
                .isEqualTo(Path.of("config/templates").toAbsolutePath());
    }
}

package io.coursewire.delivery;

import static io.coursewire.support.Admin.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.CapturedLog;
import io.coursewire.support.Fixtures;
import io.coursewire.support.MailSinks;
import io.coursewire.support.Webhooks;
import io.coursewire.targets.TargetRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Email targets against a real SMTP server (GreenMail), through camel-mail: what the registrar, the
 * learner and the copies receive for a completion, the text-only message of a target without an HTML
 * template, an SMTP outage retried and not lost, and a template typo refused at load. The targets are
 * {@code src/test/resources/email-targets.yaml}: {@code registrar} (completions, the shipped
 * {@code completion} templates) and {@code progress} (progress events, a text-only template). The
 * retry schedule is the test profile's (200 ms, ×2, at most 1 s) with more attempts, so an outage of a
 * few seconds is retried through.
 */
@QuarkusTest
@TestProfile(EmailDeliveryTest.Smtp.class)
class EmailDeliveryTest {

    public static class Smtp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.delivery.timeout", "1s", "coursewire.delivery.retry.max-attempts", "12");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MailSinks.class));
        }
    }

    static final String REGISTRAR = "registrar@example.edu";
    static final String DEAN = "dean@example.edu";
    static final String AUDIT = "audit@example.org";
    static final String PROGRESS = "progress@example.edu";

    @Inject
    TargetRegistry registry;

    private final CapturedLog log = new CapturedLog("com.icegreen");
    private final List<String> logged = log.lines();

    @BeforeEach
    void listen() {
        log.listen();
    }

    @AfterEach
    void noAddressWasLogged() {
        log.stop();
        assertThat(logged).as("log lines").noneMatch(line -> line.contains("@example.com") || line.contains(REGISTRAR)
                || line.contains(DEAN) || line.contains(AUDIT) || line.contains(PROGRESS));
    }

    @Test
    void aCompletionIsMailedToTheRegistrarAndTheLearnerWithCopiesAndTheHtmlAlternative() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String learner = "ana." + run + "@example.com";
        String title = "Lab Safety " + run;
        String id = zapnito(100, learner, "Ana Lima", title);

        await().atMost(Duration.ofSeconds(15)).until(() -> Stream.of(REGISTRAR, learner, DEAN, AUDIT).allMatch(to -> received(to, title).size() == 1));
        MimeMessage mail = received(REGISTRAR, title).get(0);
        assertThat(mail.getSubject()).isEqualTo("Ana Lima completed " + title);
        assertThat(addresses(mail.getFrom())).containsExactly(MailSinks.FROM);
        assertThat(addresses(mail.getRecipients(RecipientType.TO))).containsExactly(REGISTRAR, learner);
        assertThat(addresses(mail.getRecipients(RecipientType.CC))).containsExactly(DEAN);
        assertThat(mail.getHeader("Bcc")).as("Bcc is not shown to the recipients").isNull();

        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        String text = ((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n");
        assertThat(text)
                .contains("Ana Lima has completed " + title + ".")
                .containsPattern("Email: +" + learner.replace(".", "\\."))
                .containsPattern("Course ID: +course-" + run)
                .containsPattern("Completed at: +2022-04-13T22:01:28Z")
                .containsPattern("Progress: +100%")
                .containsPattern("Platform: +zapnito \\(community.acme.org\\)")
                .containsPattern("Event ID: +" + id)
                .doesNotContain("Score").doesNotContain("Result").doesNotContain("null");
        assertThat((String) parts.getBodyPart(1).getContent())
                .contains("<strong>Ana Lima</strong> has completed <strong>" + title + "</strong>")
                .contains("<td>Email</td><td>" + learner + "</td>");

        admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("deliveries.find { it.target == 'registrar' }.state", is("delivered"))
                .body("deliveries.find { it.target == 'registrar' }.attempts.outcome", contains("delivered"));
    }

    @Test
    void anEventWithoutAValidLearnerEmailGoesToTheOtherAddressesOnly() throws Exception {
        // Thinkific's own sample has an email its docs site obfuscated: "[TEST] [email protected]".
        String run = UUID.randomUUID().toString().substring(0, 8);
        String title = "Records " + run;
        ObjectNode thinkific = Fixtures.json("thinkific-enrollment-completed.json");
        thinkific.put("id", "2019" + Math.abs(run.hashCode()));
        ((ObjectNode) thinkific.path("payload").path("course")).put("name", title);
        String body = Fixtures.write(thinkific);
        String id = Webhooks.post("thinkific", body).then().statusCode(202).extract().path("id");

        await().atMost(Duration.ofSeconds(15)).until(() -> Stream.of(REGISTRAR, DEAN, AUDIT).allMatch(to -> received(to, title).size() == 1));
        MimeMessage mail = received(REGISTRAR, title).get(0);
        assertThat(addresses(mail.getRecipients(RecipientType.TO))).containsExactly(REGISTRAR);
        assertThat(mail.getSubject()).isEqualTo("[TEST] John Doe completed " + title);
        assertThat(allMessages(title)).as("copies delivered: registrar, dean, audit").hasSize(3);
        admin().get("/api/v1/events/" + id).then().body("deliveries.find { it.target == 'registrar' }.state", is("delivered"));
    }

    @Test
    void aProgressEventGetsTheTextOnlyMessageAndNoCompletionMail() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String title = "Chemistry " + run;
        String id = zapnito(18, "michael." + run + "@example.com", "Michael Smith", title);

        await().atMost(Duration.ofSeconds(15)).until(() -> received(PROGRESS, title).size() == 1);
        MimeMessage mail = received(PROGRESS, title).get(0);
        assertThat(mail.getSubject()).isEqualTo("Michael Smith is at 18% of " + title);
        assertThat(mail.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(((String) mail.getContent()).replace("\r\n", "\n").strip()).isEqualTo("Michael Smith (user-" + run + ") is at 18% of " + title
                + " (course-" + run + ").\nThe course counts as completed at 100%.");

        // registrar takes course.completed only: it is not given the progress event at all.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> allMessages(title).size() == 1);
        admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("deliveries.target", contains("progress"));
    }

    @Test
    void whileTheSmtpServerIsDownAttemptsFailAndAreRetriedThenTheMailArrives() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String learner = "outage." + run + "@example.com";
        String title = "Outage " + run;
        String id;
        MailSinks.down();
        try {
            id = zapnito(100, learner, "Olga Out", title);
            String posted = id;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> admin().get("/api/v1/events/" + posted).then().statusCode(200)
                    .body("deliveries.find { it.target == 'registrar' }.attempts.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                    .body("deliveries.find { it.target == 'registrar' }.attempts[0].outcome", is("retrying"))
                    .body("deliveries.find { it.target == 'registrar' }.attempts[0].error", containsString("SMTP: "))
                    .body("deliveries.find { it.target == 'registrar' }.attempts[0].status", nullValue()));
        } finally {
            MailSinks.up();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> received(learner, title).size() == 1);
        String sent = id;
        // The attempt is recorded just after the server took the message.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> admin().get("/api/v1/events/" + sent).then()
                .body("deliveries.find { it.target == 'registrar' }.state", is("delivered")));
        List<String> errors = admin().get("/api/v1/events/" + id).then().statusCode(200)
                .body("deliveries.find { it.target == 'registrar' }.state", is("delivered"))
                .body("deliveries.find { it.target == 'registrar' }.attempts.outcome", hasItem("retrying"))
                .extract().path("deliveries.find { it.target == 'registrar' }.attempts.error");
        assertThat(errors).as("the failed attempts' errors").filteredOn(e -> e != null).isNotEmpty()
                .allSatisfy(e -> assertThat(e).startsWith("SMTP: ").doesNotContain("@"));
        assertThat(logged).as("the failures are logged (without addresses: see noAddressWasLogged)")
                .anyMatch(line -> line.contains(id) && line.contains("SMTP: "));
        admin().get("/api/v1/dead-letters?target=registrar").then().body("deadLetters.eventId", not(hasItem(id)));
    }

    @Test
    void aTemplateTypoIsRefusedByValidationAndByAReloadWhichKeepsTheTargetsInForce() throws Exception {
        String original = Files.readString(MailSinks.TARGETS);
        String subjectTypo = original.replace("subject: \"{learner.name} completed", "subject: \"{learner.nmae} completed");
        admin().contentType("application/yaml").body(subjectTypo.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .body("detail", containsString("targets[0] (registrar): 'subject': unknown field 'learner.nmae'"));

        Files.writeString(MailSinks.TEMPLATES.resolve("broken.txt"), "Dear {learner.name},\n{#if result.passed}you passed.\n");
        String broken = original + """
                  - name: broken
                    type: email
                    to: [registrar@example.edu]
                    subject: "{course.title}"
                    template: broken
                """;
        admin().contentType("application/yaml").body(broken.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/targets/validate").then().statusCode(422)
                .body("detail", containsString("targets[2] (broken): 'template' broken: "))
                .body("detail", containsString("unterminated section [if]"));

        try {
            Files.writeString(MailSinks.TARGETS, broken);
            assertThat(registry.reload()).as("applied").isFalse();
            admin().get("/api/v1/targets").then().statusCode(200)
                    .body("targets.name", contains("registrar", "progress"))
                    .body("lastRefused.error", containsString("'template' broken"))
                    .body("targets[0].to", contains("r***@example.edu", "{learner.email}"))
                    .body("targets[0].cc", contains("d***@example.edu"))
                    .body("targets[0].html", is(true))
                    .body(not(containsString(REGISTRAR)));
        } finally {
            Files.writeString(MailSinks.TARGETS, original);
            registry.reload();
        }
        admin().get("/api/v1/targets").then().body("lastRefused", nullValue()).body("targets.name", contains("registrar", "progress"));
    }

    @Test
    void aTemplateEditedAloneIsReadAgainRefusedWhenBrokenAndAppliedWhenFixed() throws Exception {
        Path text = MailSinks.TEMPLATES.resolve("completion.txt");
        String original = Files.readString(text);
        java.time.Instant loaded = registry.active().loadedAt();
        try {
            Files.writeString(text, original + "\n{learner.nmae}\n");
            assertThat(registry.reload()).as("applied").isFalse();
            admin().get("/api/v1/targets").then().statusCode(200)
                    .body("lastRefused.error", containsString("learner.nmae"))
                    .body("loadedAt", is(loaded.toString()));
        } finally {
            Files.writeString(text, original + "\nSent by Coursewire.\n");
        }
        assertThat(registry.reload()).as("the fixed template is applied").isTrue();
        admin().get("/api/v1/targets").then().body("lastRefused", nullValue()).body("targets.name", contains("registrar", "progress"));
        Files.writeString(text, original);
        registry.reload();
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Posts a Zapnito participation update of its own course and learner; returns the accepted event id. */
    static String zapnito(int percent, String email, String name, String title) {
        String run = title.substring(title.lastIndexOf(' ') + 1);
        ObjectNode payload = Fixtures.json("zapnito-course-participation-updated.json");
        payload.put("completion_percent", percent);
        payload.put("user_email", email);
        payload.put("user_name", name);
        payload.put("user_id", "user-" + run);
        payload.put("course_id", "course-" + run);
        payload.put("course_title", title);
        return Webhooks.post("zapnito", Fixtures.write(payload)).then().statusCode(202).extract().path("id");
    }

    /** The messages in one recipient's mailbox whose subject contains {@code marker}. */
    static List<MimeMessage> received(String recipient, String marker) {
        return MailSinks.server().findReceivedMessages(user -> user.getEmail().equalsIgnoreCase(recipient), m -> subject(m).contains(marker))
                .toList();
    }

    static List<MimeMessage> allMessages(String marker) {
        return Arrays.stream(MailSinks.server().getReceivedMessages()).filter(m -> subject(m).contains(marker)).toList();
    }

    private static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> addresses(Address[] addresses) {
        return addresses == null ? List.of() : Arrays.stream(addresses).map(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress()).toList();
    }
}

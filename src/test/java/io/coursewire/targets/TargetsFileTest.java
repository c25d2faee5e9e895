package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The targets file as operators write it (§4): what is read, and what is refused with a reason. */
class TargetsFileTest {

    /**
     * The kinds as the service has them; the HTTP kind's client and the email kind's mailer are not
     * needed to read a file. Email templates are the shipped ones, config/templates.
     */
    static final TargetsFile READER = new TargetsFile(new TargetKinds(List.of(new HttpTargetKind(null), new FileTargetKind(),
            new EmailTargetKind(Path.of("config/templates"), null))));

    @Test
    void readsAnHttpTargetWithHeadersSecretTimeoutAndFilters() throws Exception {
        List<Target> targets = READER.parse("""
                targets:
                  - name: crm
                    type: http
                    url: https://crm.example.com/hooks/completions
                    headers: {Authorization: "Bearer abc"}
                    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                    timeout: 5s
                    types: [course.completed]
                    vendors: [thinkific, zapnito]
                    courses: ["48", "68"]
                """);
        HttpTarget crm = (HttpTarget) targets.get(0);
        assertThat(crm.url().toString()).isEqualTo("https://crm.example.com/hooks/completions");
        assertThat(crm.headers()).containsEntry("Authorization", "Bearer abc");
        assertThat(crm.secret()).contains("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(crm.timeout()).contains(Duration.ofSeconds(5));
        assertThat(crm.filters().admit("course.completed", "zapnito", "48")).isTrue();
        assertThat(crm.filters().admit("course.completed", "toolzz", "48")).isFalse();
        assertThat(crm.filters().admit("course.progressed", "zapnito", "48")).isFalse();
        assertThat(crm.toString()).doesNotContain("whsec_").doesNotContain("Bearer");
    }

    @Test
    void aMinimalHttpTargetHasNoSecretAndTheDefaultTimeout() throws Exception {
        HttpTarget t = (HttpTarget) READER.parse("targets: [{name: t, type: http, url: 'http://127.0.0.1:9000/x'}]").get(0);
        assertThat(t.secret()).isEmpty();
        assertThat(t.timeout()).isEmpty();
        assertThat(t.headers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp URL              | {name: t, type: http, url: 'ftp://example.com/x'}                                | absolute http or https",
            "relative URL         | {name: t, type: http, url: '/hooks'}                                             | absolute http or https",
            "not a URL            | {name: t, type: http, url: 'http://exa mple.com'}                                | not a valid URL",
            "credentials in URL   | {name: t, type: http, url: 'https://u:p@example.com/'}                           | must not carry credentials",
            "missing URL          | {name: t, type: http}                                                            | 'url' is required",
            "secret without whsec | {name: t, type: http, url: 'https://e.com', secret: 'abc'}                       | must start with whsec_",
            "secret not base64    | {name: t, type: http, url: 'https://e.com', secret: 'whsec_%%%'}                 | must be base64",
            "secret too short     | {name: t, type: http, url: 'https://e.com', secret: 'whsec_YWJj'}                | 24 to 64 bytes",
            "reserved header      | {name: t, type: http, url: 'https://e.com', headers: {webhook-id: x}}            | set by Coursewire",
            "bad header name      | {name: t, type: http, url: 'https://e.com', headers: {'a b': x}}                 | not a valid HTTP header name",
            "bad timeout          | {name: t, type: http, url: 'https://e.com', timeout: soon}                       | 'timeout' must look like",
            "zero timeout         | {name: t, type: http, url: 'https://e.com', timeout: 0s}                         | must be positive",
            "unknown key          | {name: t, type: http, url: 'https://e.com', directory: x}                        | unknown key 'directory'",
            "unknown type         | {name: t, type: sms}                                                             | unknown type 'sms'",
            "email without to     | {name: t, type: email, subject: s, template: completion}                         | 'to' is required",
            "email bad address    | {name: t, type: email, to: [registrar], subject: s, template: completion}        | 'to'[0] is not an email address",
            "email subject typo   | {name: t, type: email, to: ['{learner.email}'], subject: '{learner.nmae}', template: completion} | 'subject': unknown field 'learner.nmae'",
            "email no template    | {name: t, type: email, to: ['{learner.email}'], subject: s, template: nope}      | nope.txt does not exist",
            "email template path  | {name: t, type: email, to: ['{learner.email}'], subject: s, template: ../x}      | 'template' must be a name",
            "bad name             | {name: 'T!', type: http, url: 'https://e.com'}                                   | must match [a-z0-9-]+",
    })
    void refusesWithAReason(String what, String entry, String reason) {
        assertThatThrownBy(() -> READER.parse("targets: [" + entry + "]"))
                .isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining(reason)
                .message().doesNotContain("whsec_%%%");
    }

    @Test
    void aNameOfAHundredCharactersIsTheLongestAccepted() throws Exception {
        String longest = "a".repeat(100);
        assertThat(READER.parse("targets: [{name: " + longest + ", type: file, directory: data/a}]").get(0).name()).isEqualTo(longest);
    }

    @Test
    void refusesANameLongerThanAHundredCharactersNamingTheEntryAndKey() {
        // Names are stored with every attempt and dead letter (target column of 128, delivery key of 200).
        String tooLong = "crm-" + "x".repeat(97);
        assertThatThrownBy(() -> READER.parse("""
                targets:
                  - {name: archive, type: file, directory: data/a}
                  - {name: %s, type: http, url: 'https://e.com'}
                """.formatted(tooLong)))
                .isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining("targets[1]")
                .hasMessageContaining("'name'")
                .hasMessageContaining("at most 100 characters");
    }

    @Test
    void refusesDuplicateNamesAcrossTypes() {
        assertThatThrownBy(() -> READER.parse("""
                targets:
                  - {name: a, type: file, directory: data/a}
                  - {name: a, type: http, url: 'https://e.com'}
                """)).isInstanceOf(InvalidTargetsException.class).hasMessageContaining("duplicate name 'a'");
    }
}

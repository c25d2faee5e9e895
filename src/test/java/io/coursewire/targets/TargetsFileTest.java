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

    /** A started Camel context, for compiling {@code when} predicates as the service does. */
    static final org.apache.camel.CamelContext CAMEL = startedCamel();

    /**
     * The kinds as the service has them; the HTTP kind's client and the email kind's mailer are not
     * needed to read a file. Email templates are the shipped ones, config/templates.
     */
    static final TargetsFile READER = new TargetsFile(new TargetKinds(List.of(new HttpTargetKind(null), new FileTargetKind(),
            new EmailTargetKind(Path.of("config/templates"), null))), CAMEL);

    private static org.apache.camel.CamelContext startedCamel() {
        org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        camel.start();
        return camel;
    }

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
            "unknown file format  | {name: t, type: file, directory: d, format: xml}                                 | 'format' has unknown value 'xml'",
            "empty file format    | {name: t, type: file, directory: d, format: ''}                                  | 'format' must be a non-empty string",
            "file format in caps  | {name: t, type: file, directory: d, format: CSV}                                 | 'format' has unknown value 'CSV'",
            "file w/o directory   | {name: t, type: file, format: csv}                                               | 'directory' is required",
            "email without to     | {name: t, type: email, subject: s, template: completion}                         | 'to' is required",
            "email bad address    | {name: t, type: email, to: [registrar], subject: s, template: completion}        | 'to'[0] is not an email address",
            "email subject typo   | {name: t, type: email, to: ['{learner.email}'], subject: '{learner.nmae}', template: completion} | 'subject': unknown field 'learner.nmae'",
            "email no template    | {name: t, type: email, to: ['{learner.email}'], subject: s, template: nope}      | nope.txt does not exist",
            "email template path  | {name: t, type: email, to: ['{learner.email}'], subject: s, template: ../x}      | 'template' must be a name",
            "bad name             | {name: 'T!', type: http, url: 'https://e.com'}                                   | must match [a-z0-9-]+",
            "simple not compiling | {name: t, type: file, directory: d, when: {simple: '${body[data] =='}}          | 'when' simple predicate does not compile",
            "simple unknown function | {name: t, type: file, directory: d, when: {simple: '${bdoy} == 1'}}          | Unknown function: bdoy",
            "jsonpath not compiling | {name: t, type: file, directory: d, when: {jsonpath: '$.data[?(@.x =='}}      | 'when' jsonpath predicate does not compile",
            "when unknown language | {name: t, type: file, directory: d, when: {groovy: 'true'}}                     | 'when' language 'groovy' is not supported",
            "when two languages   | {name: t, type: file, directory: d, when: {simple: 'true', jsonpath: '$.a'}}     | exactly one of",
            "when not a mapping   | {name: t, type: file, directory: d, when: 'true'}                                | exactly one of",
            "when empty           | {name: t, type: file, directory: d, when: {simple: ' '}}                         | must be a non-empty string",
    })
    void refusesWithAReason(String what, String entry, String reason) {
        assertThatThrownBy(() -> READER.parse("targets: [" + entry + "]"))
                .isInstanceOf(InvalidTargetsException.class)
                .hasMessageContaining(reason)
                .message().doesNotContain("whsec_%%%");
    }

    @Test
    void aWhenPredicateIsCompiledAtLoadAndShownAsWritten() throws Exception {
        Target t = READER.parse("""
                targets:
                  - name: registrar
                    type: file
                    directory: d
                    when: {jsonpath: "$.data[?(@.result.passed == true)]"}
                """).get(0);
        assertThat(t.filters().when()).isPresent();
        assertThat(t.describe()).containsEntry("when", java.util.Map.of("jsonpath", "$.data[?(@.result.passed == true)]"));
    }

    @Test
    void aFileTargetIsJsonByDefaultAndMayBeNdjsonOrCsv() throws Exception {
        List<Target> targets = READER.parse("""
                targets:
                  - {name: a, type: file, directory: data/a}
                  - {name: b, type: file, directory: data/b, format: json}
                  - {name: c, type: file, directory: data/c, format: ndjson}
                  - {name: d, type: file, directory: data/d, format: csv}
                """);
        assertThat(targets).extracting(t -> ((FileTarget) t).format()).containsExactly("json", "json", "ndjson", "csv");
        assertThat(targets.get(3).describe()).containsEntry("directory", "data/d").containsEntry("format", "csv");
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheEntryTheKeyAndTheKnownFormats() {
        assertThatThrownBy(() -> READER.parse("targets: [{name: archive, type: file, directory: d, format: parquet}]"))
                .isInstanceOf(InvalidTargetsException.class)
                .hasMessage("targets[0] (archive): 'format' has unknown value 'parquet' (known: json, ndjson, csv)");
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

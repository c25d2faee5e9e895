package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.coursewire.canonical.CanonicalSchema;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.WebhookFuzzer;
import io.coursewire.support.WebhookFuzzer.Body;
import io.coursewire.support.WebhookFuzzer.Obj;
import io.coursewire.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Black-box fuzzing of the five inbound endpoints against PRODUCT.md §2 ("No bad input ever produces
 * a 500", "Hostile traffic and limits") and §3: thousands of generated bodies ({@link WebhookFuzzer}),
 * each authentic for its vendor so it gets past the credential check into the translator, posted over
 * HTTP to the running service.
 *
 * <p>Asserted for every response: no status ≥ 500 (or other than 202 and 4xx); every 4xx is
 * problem+json with {@code status} and {@code detail}; no body that is not UTF-8 is accepted; every 202 {@code "duplicate": false} names an
 * event that the admin API ({@code GET /api/v1/events/{id}}, the event log operators read) returns
 * schema-valid and within the §2 limits. All failures are collected and reported together, with the
 * seed, counts per kind/vendor/status, minimized examples, and each failing body under
 * target/fuzz-failures/.
 *
 * <p>{@code -Dfuzz.bodies} (default 10,000), {@code -Dfuzz.seed} (default fixed, always printed; bench/fuzz.sh draws a random one),
 * {@code -Dfuzz.first} (index of the first body: {@code -Dfuzz.first=I -Dfuzz.bodies=1} replays body I),
 * {@code -Dfuzz.concurrency} (default 4). Memory does not grow with the count (bench/fuzz.sh runs
 * 1,000,000): bodies are regenerated from their index when needed, accepted ids wait in a bounded
 * queue that the event checker drains in batches, and only a few examples per kind are kept.
 */
@QuarkusTest
class IngestFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9a-f]{32}");
    private static final Path FAILURE_DIR = Path.of("target/fuzz-failures");
    private static final String ADMIN_AUTHORIZATION = "Bearer test-admin-token";

    @TestHTTPResource("/")
    URL root;

    @Test
    void hostileBodiesAreRefusedCleanlyAndEveryAcceptedEventIsValid() throws Exception {
        Settings settings = Settings.fromSystemProperties();
        FuzzRun run = new FuzzRun(settings, URI.create(root.toString()));
        run.execute();
        String report = run.report();
        System.out.println(report);
        if (run.failures.total() > 0) {
            fail(run.failures.total() + " fuzz failures (seed " + settings.seed() + ")\n" + report);
        }
        if (settings.bodies() >= 1000) {
            // A fuzzer that never gets past the parser or never gets an event accepted proves nothing.
            assertThat(run.fieldRefusals.sum()).as("400s naming a field (the translators were reached)").isPositive();
            assertThat(run.checked.sum()).as("accepted events checked against the schema").isPositive();
        }
    }

    static final long DEFAULT_SEED = 20_261_201L;

    /** The knobs, from system properties (Maven passes -D options through to the test JVM). */
    record Settings(long seed, long first, long bodies, int concurrency, Duration eventTimeout, int maxFailureFiles) {

        static Settings fromSystemProperties() {
            String seed = System.getProperty("fuzz.seed", "").trim();
            return new Settings(
                    // Fixed by default, so the suite is the same run every time; bench/fuzz.sh draws a new one.
                    seed.isEmpty() ? DEFAULT_SEED : Long.parseLong(seed),
                    number("fuzz.first", 0),
                    number("fuzz.bodies", 10_000),
                    (int) number("fuzz.concurrency", 4),
                    Duration.ofSeconds(number("fuzz.eventTimeoutSeconds", 120)),
                    (int) number("fuzz.maxFailureFiles", 2_000));
        }

        private static long number(String name, long fallback) {
            String value = System.getProperty(name, "").trim().replace("_", "");
            return value.isEmpty() ? fallback : Long.parseLong(value);
        }
    }

    /** A 202 {@code "duplicate": false} whose event is still to be read back. */
    record Accepted(String id, String vendor, long index) {
    }

    static final class FuzzRun {

        /** Accepted ids read back per Awaitility wait; the event log is written in batches of up to 500. */
        private static final int CHECK_BATCH = 250;

        final Settings settings;
        final URI root;
        final WebhookFuzzer fuzzer;
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        final Failures failures;

        final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
        /** "status vendor" → count. */
        final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        /** status → summed response time, for the mean per status in the report. */
        final Map<String, LongAdder> nanosPerStatus = new ConcurrentHashMap<>();
        final LongAdder acceptedNew = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder ignored = new LongAdder();
        final LongAdder checked = new LongAdder();
        final LongAdder fieldRefusals = new LongAdder();
        final AtomicLong done = new AtomicLong();

        /** Bounded: when the checker falls behind, senders wait, so memory stays flat at any body count. */
        final BlockingQueue<Accepted> toCheck = new ArrayBlockingQueue<>(2_000);
        final AtomicReference<Throwable> broken = new AtomicReference<>();
        volatile boolean sendersDone;
        long startNanos;
        long sendNanos;
        long totalNanos;

        FuzzRun(Settings settings, URI root) {
            this.settings = settings;
            this.root = root;
            this.fuzzer = new WebhookFuzzer(settings.seed());
            this.failures = new Failures(settings, this);
        }

        void execute() throws Exception {
            FreshDataDirectory.delete(FAILURE_DIR);
            Files.createDirectories(FAILURE_DIR);
            System.out.printf("fuzz: seed %d, bodies %d..%d, %d senders%n", settings.seed(), settings.first(),
                    settings.first() + settings.bodies() - 1, settings.concurrency());
            startNanos = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(settings.concurrency());
            ExecutorService checker = Executors.newSingleThreadExecutor();
            try {
                Future<?> checking = checker.submit(() -> guard(this::checkEvents));
                AtomicLong next = new AtomicLong(settings.first());
                long end = settings.first() + settings.bodies();
                List<Future<?>> sending = new ArrayList<>();
                for (int i = 0; i < settings.concurrency(); i++) {
                    sending.add(senders.submit(() -> guard(() -> {
                        for (long index = next.getAndIncrement(); index < end && broken.get() == null; index = next.getAndIncrement()) {
                            send(index);
                            progress();
                        }
                    })));
                }
                for (Future<?> f : sending) {
                    f.get();
                }
                sendNanos = System.nanoTime() - startNanos;
                sendersDone = true;
                checking.get();
            } finally {
                sendersDone = true;
                senders.shutdownNow();
                checker.shutdownNow();
            }
            if (broken.get() != null) {
                throw new AssertionError("the fuzz run itself broke (seed " + settings.seed() + ")", broken.get());
            }
            totalNanos = System.nanoTime() - startNanos;
            failures.minimize();
        }

        interface Step {
            void run() throws Exception;
        }

        /** A sender or the checker that throws stops the whole run (a fuzzer bug must not hang it). */
        private void guard(Step step) {
            try {
                step.run();
            } catch (Throwable t) {
                broken.compareAndSet(null, t);
            }
        }

        private void progress() {
            long n = done.incrementAndGet();
            long every = Math.max(1_000, settings.bodies() / 10);
            if (n % every == 0) {
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                Runtime jvm = Runtime.getRuntime();
                // Heap in use (service and test share the JVM): it should not grow with the body count.
                System.out.printf("fuzz: %d/%d bodies, %d events checked, %d failures, %.0f bodies/s, heap %d MiB%n", n,
                        settings.bodies(), checked.sum(), failures.total(), n / seconds, (jvm.totalMemory() - jvm.freeMemory()) >> 20);
            }
        }

        // ------------------------------------------------------------------------ sending

        void send(long index) throws InterruptedException {
            Body body = fuzzer.body(index);
            sent.computeIfAbsent(body.vendor(), v -> new LongAdder()).increment();
            HttpResponse<byte[]> response;
            long start = System.nanoTime();
            try {
                response = http.send(request(body, body.bytes()), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                count("transport-error", body.vendor());
                failures.add("transport", body, -1, e.toString());
                return;
            }
            nanosPerStatus.computeIfAbsent(Integer.toString(response.statusCode()), k -> new LongAdder()).add(System.nanoTime() - start);
            count(Integer.toString(response.statusCode()), body.vendor());
            judge(body, response);
        }

        private void count(String status, String vendor) {
            statuses.computeIfAbsent(status + " " + vendor, k -> new LongAdder()).increment();
        }

        /**
         * An authentic request for {@code bytes}: the vendor's credential (the shared token alternately
         * in the query and the header; Thinkific's HMAC over these exact bytes) and its other headers.
         */
        HttpRequest request(Body body, byte[] bytes) {
            String vendor = body.vendor();
            String path = "webhooks/" + vendor;
            HttpRequest.Builder request = HttpRequest.newBuilder()
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            switch (vendor) {
                case "zapnito" -> request.header("Authorization", "Token token=" + Webhooks.secretOf(vendor));
                case "thinkific" -> request.header("X-Thinkific-Hmac-Sha256", hmacHex(bytes));
                default -> {
                    if (body.index() / WebhookFuzzer.VENDORS.size() % 2 == 0) {
                        path += "?token=" + Webhooks.secretOf(vendor);
                    } else {
                        request.header("X-Webhook-Token", Webhooks.secretOf(vendor));
                    }
                }
            }
            body.headers().forEach(request::header);
            return request.uri(root.resolve(path)).build();
        }

        private static final ThreadLocal<Mac> THINKIFIC_MAC = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Webhooks.THINKIFIC_TEST_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return mac;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        static String hmacHex(byte[] bytes) {
            return HexFormat.of().formatHex(THINKIFIC_MAC.get().doFinal(bytes));
        }

        void judge(Body body, HttpResponse<byte[]> response) throws InterruptedException {
            int status = response.statusCode();
            byte[] answer = response.body();
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (status >= 500) {
                failures.add("5xx", body, status, "answer: " + printable(answer, 300));
                return;
            }
            if (status >= 400) {
                JsonNode problem = parse(answer);
                String defect = problemDefect(status, contentType, problem, answer);
                if (defect != null) {
                    failures.add("bad-problem", body, status, defect + "; answer: " + printable(answer, 300));
                } else if (status == 400 && problem.path("field").isTextual()) {
                    fieldRefusals.increment();
                }
                if (body.category().equals("valid")) {
                    failures.add("valid-refused", body, status, "a valid, new event was refused: " + printable(answer, 300));
                }
                return;
            }
            if (status != 202) {
                failures.add("unexpected-status", body, status, "answer: " + printable(answer, 300));
                return;
            }
            JsonNode json = parse(answer);
            if (json == null || !contentType.startsWith("application/json")) {
                failures.add("bad-202", body, status, "Content-Type " + contentType + ", answer: " + printable(answer, 300));
                return;
            }
            if (!isUtf8(body.bytes())) {
                // RFC 8259 §8.1: JSON between systems is UTF-8; anything else is a 400, never a guess.
                failures.add("not-utf8-accepted", body, status, "answer: " + printable(answer, 300));
                return;
            }
            if (json.path("ignored").asBoolean(false)) {
                ignored.increment();
                return;
            }
            String id = json.path("id").asText("");
            JsonNode duplicate = json.get("duplicate");
            if (!EVENT_ID.matcher(id).matches() || duplicate == null || !duplicate.isBoolean()) {
                failures.add("bad-202", body, status, "answer: " + printable(answer, 300));
                return;
            }
            if (duplicate.booleanValue()) {
                duplicates.increment();
                return;
            }
            acceptedNew.increment();
            Accepted accepted = new Accepted(id, body.vendor(), body.index());
            while (!toCheck.offer(accepted, 1, TimeUnit.SECONDS)) {
                if (broken.get() != null) {
                    return;
                }
            }
        }

        /** What is wrong with a 4xx body (RFC 9457 problem+json with status and detail), or null. */
        static String problemDefect(int status, String contentType, JsonNode problem, byte[] answer) {
            if (!contentType.startsWith("application/problem+json")) {
                return "Content-Type is '" + contentType + "', not application/problem+json";
            }
            if (problem == null || !problem.isObject()) {
                return "the body is not a JSON object";
            }
            if (!problem.path("status").isInt() || problem.path("status").intValue() != status) {
                return "member status is " + problem.get("status") + ", not " + status;
            }
            if (!problem.path("detail").isTextual() || problem.path("detail").textValue().isBlank()) {
                return "no detail";
            }
            String text = new String(answer, StandardCharsets.UTF_8);
            if (text.contains("\tat ") || text.contains("Exception")) {
                return "internals (a stack trace or exception name) in the body";
            }
            return null;
        }

        // ------------------------------------------------------------------------ reading events back

        /**
         * Drains accepted ids in batches and reads each event back. The event log is written a little
         * after routing, in batches, so each batch is awaited (Awaitility) rather than each request.
         *
         * <p>Why the admin API and not the file target's archive: it is a keyed lookup, where the archive
         * directory would have to be listed per batch and holds hundreds of thousands of files in a long
         * run; and it returns the event as routed (the event log keeps the bytes the broker carried),
         * re-serialized, so what the schema sees is what any JSON consumer of the event would see.
         */
        void checkEvents() throws InterruptedException {
            List<Accepted> batch = new ArrayList<>(CHECK_BATCH);
            while (broken.get() == null) {
                // A hand-off from the senders (returns as soon as one is queued), not a wait for an outcome.
                Accepted first = toCheck.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (sendersDone && toCheck.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                toCheck.drainTo(batch, CHECK_BATCH - 1);
                verify(batch);
                batch.clear();
            }
        }

        private void verify(List<Accepted> batch) {
            List<Accepted> waiting = new ArrayList<>(batch);
            try {
                await().atMost(settings.eventTimeout())
                        .pollInSameThread()
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            readBack(waiting);
                            return waiting.isEmpty();
                        });
            } catch (ConditionTimeoutException e) {
                for (Accepted a : waiting) {
                    failures.add("event-missing", fuzzer.body(a.index()), 202, a.id() + " was accepted but GET /api/v1/events/"
                            + a.id() + " still answered 404 after " + settings.eventTimeout().toSeconds() + " s");
                }
            }
        }

        /** Reads back what it can; stops at a few not-yet-logged ids (later ones are most likely not logged either). */
        private void readBack(List<Accepted> waiting) throws InterruptedException {
            int notYet = 0;
            for (Iterator<Accepted> it = waiting.iterator(); it.hasNext() && notYet < 3;) {
                Accepted a = it.next();
                HttpResponse<byte[]> response;
                try {
                    response = http.send(HttpRequest.newBuilder(root.resolve("api/v1/events/" + a.id()))
                            .header("Authorization", ADMIN_AUTHORIZATION)
                            .timeout(Duration.ofSeconds(60))
                            .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    failures.add("event-read", fuzzer.body(a.index()), 202, "GET /api/v1/events/" + a.id() + ": " + e);
                    it.remove();
                    continue;
                }
                if (response.statusCode() == 404) {
                    notYet++;
                    continue;
                }
                it.remove();
                if (response.statusCode() != 200) {
                    failures.add("event-read", fuzzer.body(a.index()), 202, "GET /api/v1/events/" + a.id() + " answered "
                            + response.statusCode() + ": " + printable(response.body(), 300));
                    continue;
                }
                evaluate(a, response.body());
            }
        }

        private void evaluate(Accepted a, byte[] view) {
            JsonNode parsed = parse(view);
            JsonNode event = parsed == null ? null : parsed.get("event");
            if (event == null || !event.isObject()) {
                failures.add("event-read", fuzzer.body(a.index()), 202, "no event in " + printable(view, 300));
                return;
            }
            checked.increment();
            List<String> violations = CanonicalSchema.violations(event);
            if (!violations.isEmpty()) {
                failures.add("schema-invalid", fuzzer.body(a.index()), 202, withValues(violations, event));
            }
            List<String> breaches = contractBreaches(a, event);
            if (!breaches.isEmpty()) {
                failures.add("contract", fuzzer.body(a.index()), 202, String.join("; ", breaches));
            }
        }

        /**
         * The schema's messages, the first one per JSON pointer ("/data/result/score: string found, …"),
         * each with the value it is about.
         */
        static String withValues(List<String> violations, JsonNode event) {
            Map<String, String> firstPerPointer = new LinkedHashMap<>();
            for (String v : violations) {
                int colon = v.indexOf(':');
                String where = colon > 0 && v.startsWith("/") ? v.substring(0, colon) : v;
                firstPerPointer.putIfAbsent(where, v);
            }
            List<String> out = new ArrayList<>();
            firstPerPointer.forEach((where, v) -> {
                JsonNode value = where.startsWith("/") ? event.at(where) : null;
                out.add(value == null || value.isMissingNode() ? v
                        : v + " (value " + printable(value.toString().getBytes(StandardCharsets.UTF_8), 80) + ")");
            });
            return String.join("; ", out);
        }

        private static final List<String> ID_FIELDS = List.of(".data.vendorEventId", ".data.tenant.id", ".data.learner.id",
                ".data.course.id", ".data.enrollment.id");
        private static final List<String> TIME_FIELDS = List.of(".time", ".data.enrollment.startedAt", ".data.enrollment.completedAt",
                ".data.enrollment.expiresAt");

        /**
         * The §2 limits the schema cannot say (ids at most 128 characters, years from 0001, percents in
         * 0–100), and that the event is the one the 202 named, from the endpoint it came in at.
         */
        static List<String> contractBreaches(Accepted a, JsonNode event) {
            List<String> out = new ArrayList<>();
            if (!a.id().equals(event.path("id").asText())) {
                out.add("the event's id " + event.path("id") + " is not the accepted " + a.id());
            }
            if (!("/sources/" + a.vendor()).equals(event.path("source").asText())
                    || !a.vendor().equals(event.path("data").path("vendor").asText())) {
                out.add("source " + event.path("source") + " / vendor " + event.path("data").path("vendor") + " for a post to /webhooks/"
                        + a.vendor());
            }
            for (String field : ID_FIELDS) {
                JsonNode id = at(event, field);
                // Characters are code points: an id of 100 emoji is 100 characters, not 200 UTF-16 units.
                int characters = id != null && id.isTextual() ? id.textValue().codePointCount(0, id.textValue().length()) : 0;
                if (characters > 128) {
                    out.add(field.substring(1) + " has " + characters + " characters (ids are at most 128)");
                }
            }
            for (String field : TIME_FIELDS) {
                JsonNode time = at(event, field);
                if (time != null && time.isTextual() && time.textValue().startsWith("0000-")) {
                    out.add(field.substring(1) + " " + time + " is before the year 0001");
                }
            }
            JsonNode threshold = at(event, ".data.progress.threshold");
            if (threshold != null && threshold.isNumber() && (threshold.doubleValue() < 0 || threshold.doubleValue() > 100)) {
                out.add("data.progress.threshold " + threshold + " is not in 0–100");
            }
            return out;
        }

        /** The node at a ".a.b.c" path, or null. */
        static JsonNode at(JsonNode node, String path) {
            JsonNode current = node;
            for (String name : path.substring(1).split("\\.")) {
                current = current == null ? null : current.get(name);
            }
            return current;
        }

        // ------------------------------------------------------------------------ report

        String report() {
            StringBuilder out = new StringBuilder();
            Map<String, Long> statusTotals = new TreeMap<>();
            statuses.forEach((key, n) -> statusTotals.merge(key.substring(0, key.indexOf(' ')), n.sum(), Long::sum));
            Map<String, Long> sentPerVendor = new LinkedHashMap<>();
            WebhookFuzzer.VENDORS.forEach(v -> sentPerVendor.put(v, sent.getOrDefault(v, new LongAdder()).sum()));
            double seconds = totalNanos / 1e9;
            out.append(String.format("FUZZ SUMMARY seed=%d first=%d bodies=%d seconds=%.1f (sending %.1f, %.0f bodies/s) sent=%s "
                    + "statuses=%s accepted-new=%d duplicates=%d ignored=%d events-checked=%d field-400s=%d failures=%d %s%n",
                    settings.seed(), settings.first(), settings.bodies(), seconds, sendNanos / 1e9,
                    settings.bodies() / Math.max(sendNanos / 1e9, 1e-9), sentPerVendor, statusTotals, acceptedNew.sum(),
                    duplicates.sum(), ignored.sum(), checked.sum(), fieldRefusals.sum(), failures.total(), failures.totalsByKind()));
            out.append(String.format("%-16s", "status"));
            WebhookFuzzer.VENDORS.forEach(v -> out.append(String.format("%13s", v)));
            out.append(String.format("%13s%13s%n", "total", "mean ms"));
            for (String status : statusTotals.keySet()) {
                out.append(String.format("%-16s", status));
                WebhookFuzzer.VENDORS.forEach(v -> out.append(String.format("%13d", statuses.getOrDefault(status + " " + v, new LongAdder()).sum())));
                double meanMillis = nanosPerStatus.getOrDefault(status, new LongAdder()).sum() / 1e6 / statusTotals.get(status);
                out.append(String.format("%13d%13.1f%n", statusTotals.get(status), meanMillis));
            }
            failures.describe(out);
            return out.toString();
        }
    }

    /**
     * Every failure is counted (by kind, vendor and status, and by what the generator did to the body);
     * a few examples per group are kept for the report, and the failing bodies are written to
     * target/fuzz-failures/ (up to a cap) with what it takes to replay them.
     */
    static final class Failures {

        record Example(String kind, String vendor, int status, long index, String description, String detail, String file) {
        }

        private static final int EXAMPLES_PER_GROUP = 3;
        private static final int FILES_PER_GROUP = 50;
        private static final int MAX_KEYS = 5_000;
        private static final Pattern POSITION = Pattern.compile("@\\d+");

        private final Settings settings;
        private final FuzzRun run;
        private final Map<String, Long> counts = new TreeMap<>();
        private final Map<String, List<Example>> examples = new TreeMap<>();
        private final Map<String, Integer> filesPerGroup = new TreeMap<>();
        /** "kind vendor | field" and "kind | hostile value" → count, from what the generator says it did. */
        private final Map<String, Long> byField = new TreeMap<>();
        private final Map<String, Long> byValue = new TreeMap<>();
        private final Map<Long, String> minimized = new ConcurrentHashMap<>();
        private long total;
        private long keysLeftOut;
        private int files;

        Failures(Settings settings, FuzzRun run) {
            this.settings = settings;
            this.run = run;
        }

        synchronized long total() {
            return total;
        }

        synchronized void add(String kind, Body body, int status, String detail) {
            total++;
            String group = kind + " " + body.vendor() + " " + (status < 0 ? "io" : status);
            counts.merge(group, 1L, Long::sum);
            // What the generator did, so "courseId := 1e999" adds up across bodies and vendors.
            String description = body.description();
            int colon = description.indexOf(": ");
            String[] notes = colon < 0 ? new String[] { "" } : description.substring(colon + 2).split("; ");
            for (String note : notes) {
                int assign = note.indexOf(" := ");
                String field = assign < 0 ? "(" + body.category() + ")" : note.substring(0, assign);
                String value = assign < 0 ? "(" + body.category() + ") " + POSITION.matcher(note).replaceAll("@n")
                        : note.substring(assign + 4);
                tally(byField, kind + " " + body.vendor() + " | " + field);
                tally(byValue, kind + " | " + value);
            }
            String file = null;
            int groupFiles = filesPerGroup.getOrDefault(group, 0);
            if (files < settings.maxFailureFiles() && groupFiles < FILES_PER_GROUP) {
                file = write(kind, body, status, detail);
                files++;
                filesPerGroup.put(group, groupFiles + 1);
            }
            List<Example> kept = examples.computeIfAbsent(group, g -> new ArrayList<>());
            if (kept.size() < EXAMPLES_PER_GROUP) {
                kept.add(new Example(kind, body.vendor(), status, body.index(), body.description(), detail, file));
            }
        }

        private void tally(Map<String, Long> counts, String key) {
            if (counts.size() < MAX_KEYS || counts.containsKey(key)) {
                counts.merge(key, 1L, Long::sum);
            } else {
                keysLeftOut++;
            }
        }

        synchronized Map<String, Long> totalsByKind() {
            Map<String, Long> byKind = new TreeMap<>();
            counts.forEach((group, n) -> byKind.merge(group.substring(0, group.indexOf(' ')), n, Long::sum));
            return byKind;
        }

        /** The body as sent, and beside it how it was made, the answer, and how to replay it. */
        private String write(String kind, Body body, int status, String detail) {
            String name = String.format("%s-%s-%s-%d", kind, body.vendor(), status < 0 ? "io" : status, body.index());
            try {
                Files.write(FAILURE_DIR.resolve(name + ".body"), body.bytes());
                HttpRequest request = run.request(body, body.bytes());
                StringBuilder curl = new StringBuilder("curl -i -X POST 'http://localhost:8080" + request.uri().getRawPath()
                        + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()) + "'");
                request.headers().map().forEach((header, values) -> values.forEach(v -> curl.append(" -H '").append(header)
                        .append(": ").append(v.replace("'", "'\\''")).append("'")));
                curl.append(" --data-binary @").append(name).append(".body");
                Files.writeString(FAILURE_DIR.resolve(name + ".txt"), String.join("\n",
                        "kind: " + kind,
                        "vendor: " + body.vendor(),
                        "status: " + status,
                        "body: #" + body.index() + " of seed " + settings.seed() + ", " + body.bytes().length + " bytes",
                        "made by: " + body.description(),
                        "detail: " + detail,
                        "replay in the test: ./mvnw -B test -Dtest=IngestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.seed="
                                + settings.seed() + " -Dfuzz.first=" + body.index() + " -Dfuzz.bodies=1",
                        "replay by hand (Thinkific: signed with the test profile's key): " + curl,
                        ""), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return FAILURE_DIR.resolve(name + ".body").toString();
        }

        /**
         * Shrinks the first example of each 5xx group, when its body is still a JSON tree: drops members
         * one at a time while the smaller body still gets a 5xx, so the report shows what it takes.
         */
        void minimize() throws InterruptedException {
            List<Example> firsts = new ArrayList<>();
            synchronized (this) {
                examples.forEach((group, kept) -> {
                    if (group.startsWith("5xx ") && firsts.size() < 15) {
                        firsts.add(kept.get(0));
                    }
                });
            }
            for (Example example : firsts) {
                Body body = run.fuzzer.body(example.index());
                if (body.tree() == null) {
                    continue;
                }
                Obj tree = body.tree().copy();
                int budget = 150;
                boolean shrunk = true;
                while (shrunk && budget > 0) {
                    shrunk = false;
                    for (String path : WebhookFuzzer.paths(tree)) {
                        if (budget-- <= 0) {
                            break;
                        }
                        Obj smaller = tree.copy();
                        WebhookFuzzer.remove(smaller, path);
                        if (status(body, WebhookFuzzer.write(smaller, false).getBytes(StandardCharsets.UTF_8)) >= 500) {
                            tree = smaller;
                            shrunk = true;
                            break;
                        }
                    }
                }
                minimized.put(example.index(), WebhookFuzzer.write(tree, false));
            }
        }

        private int status(Body body, byte[] bytes) throws InterruptedException {
            try {
                return run.http.send(run.request(body, bytes), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            }
        }

        synchronized void describe(StringBuilder out) {
            if (total == 0) {
                out.append("no failures\n");
                return;
            }
            out.append(String.format("%nFAILURES: %d (kind, vendor, status: count)%n", total));
            counts.forEach((group, n) -> out.append(String.format("  %-44s %8d%n", group, n)));
            out.append("\nBY FIELD THE GENERATOR CHANGED (kind vendor | field; a body with several changes counts for each):\n");
            top(out, byField, 60);
            out.append("\nBY HOSTILE VALUE (kind | value):\n");
            top(out, byValue, 40);
            if (keysLeftOut > 0) {
                out.append(String.format("  (%d changes not tallied: too many distinct ones)%n", keysLeftOut));
            }
            out.append("\nEXAMPLES:\n");
            examples.forEach((group, kept) -> {
                out.append("  [").append(group).append("]\n");
                for (Example e : kept) {
                    Body body = run.fuzzer.body(e.index());
                    out.append("    #").append(e.index()).append(' ').append(truncate(e.description(), 200)).append('\n');
                    out.append("      ").append(truncate(e.detail(), 400)).append('\n');
                    out.append("      body: ").append(printable(body.bytes(), 300)).append('\n');
                    String small = minimized.get(e.index());
                    if (small != null) {
                        out.append("      minimized: ").append(printable(small.getBytes(StandardCharsets.UTF_8), 300)).append('\n');
                    }
                    if (e.file() != null) {
                        out.append("      file: ").append(e.file()).append('\n');
                    }
                }
            });
            out.append(String.format("%nAll failing bodies (up to %d) are in %s; replay one with -Dfuzz.seed=%d -Dfuzz.first=<#> -Dfuzz.bodies=1%n",
                    settings.maxFailureFiles(), FAILURE_DIR, settings.seed()));
        }
    }

    // ------------------------------------------------------------------------------ helpers

    static void top(StringBuilder out, Map<String, Long> counts, int limit) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(e -> out.append(String.format("  %6d  %s%n", e.getValue(), truncate(e.getKey(), 200))));
        if (counts.size() > limit) {
            out.append(String.format("  ... and %d more%n", counts.size() - limit));
        }
    }

    static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** Bytes as readable text: printable ASCII as is, everything else escaped (\xNN), cut at {@code max}. */
    static String printable(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < bytes.length && out.length() < max) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f) {
                out.append((char) b);
                i++;
                continue;
            }
            // Well-formed UTF-8 for a printable character stays readable; anything else is shown as bytes.
            int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 1;
            if (len > 1 && i + len <= bytes.length) {
                String decoded = new String(bytes, i, len, StandardCharsets.UTF_8);
                if (decoded.codePointCount(0, decoded.length()) == 1 && decoded.codePointAt(0) != 0xFFFD
                        && !Character.isISOControl(decoded.codePointAt(0))) {
                    out.append(decoded);
                    i += len;
                    continue;
                }
            }
            out.append(switch (b) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> String.format("\\x%02X", b);
            });
            i++;
        }
        return i < bytes.length ? out + "…(" + bytes.length + " bytes)" : out.toString();
    }
}

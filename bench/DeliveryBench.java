// Delivery benchmark harness for bench/delivery.sh (JDK 17 single-file source launcher, no dependencies):
//
//   java bench/DeliveryBench.java throughput service=http://127.0.0.1:18090 targets=4 events=20000 warmup=5000
//   java bench/DeliveryBench.java latency    service=http://127.0.0.1:18090 rate=500 seconds=20
//   java bench/DeliveryBench.java wrk        service=http://127.0.0.1:18090 targets=4 duration=10s wrkwarmup=20s
//
// One process holds both ends, so every time is System.nanoTime() of one JVM:
// - the sink, a com.sun.net.httpserver.HttpServer on sinkport (a small fixed executor) that answers
//   every POST to /sink/<n> with 200 at once and records, per target path, the first arrival of each
//   distinct webhook-id (duplicates are counted, never double-counted); GET /stats shows the counts;
// - the load: java.net.http.HttpClient (HTTP/1.1, async, a small fixed executor) with a semaphore for
//   closed-loop runs, or a time schedule for the open-loop latency run; or wrk, run as a child process.
// Each run prints human-readable lines and one "RESULT <scenario> key=value ..." line for the script.
//
// The sink must be up before the first event is accepted (else the service's first attempts fail and
// are retried after the backoff delay), so every mode starts it before sending anything.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class DeliveryBench {

    // ---------------------------------------------------------------------------------------- sink

    /** What one target path has received. */
    static final class TargetLog {
        final ConcurrentHashMap<String, Long> firstArrival;
        final AtomicLong posts = new AtomicLong();
        final AtomicLong distinct = new AtomicLong();
        final AtomicLong noId = new AtomicLong();
        /** nanoTime of the latest first arrival of an id. */
        final AtomicLong lastNew = new AtomicLong();

        TargetLog(int expectedIds) {
            firstArrival = new ConcurrentHashMap<>(expectedIds);
        }

        void record(String id, long now) {
            posts.incrementAndGet();
            if (id == null) {
                noId.incrementAndGet();
                return;
            }
            if (firstArrival.putIfAbsent(id, now) == null) {
                distinct.incrementAndGet();
                lastNew.accumulateAndGet(now, Math::max);
            }
        }
    }

    static final class Sink {
        final TargetLog[] targets;
        final HttpServer server;
        final ExecutorService executor;
        private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[8192]);

        Sink(int port, int targetCount, int threads) throws IOException {
            targets = new TargetLog[targetCount];
            for (int i = 0; i < targetCount; i++) {
                // thousands of subscriber paths each see few ids; a handful of targets see them all
                targets[i] = new TargetLog(targetCount > 100 ? 16 : 1 << 16);
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
            executor = Executors.newFixedThreadPool(threads, daemon("sink"));
            server.setExecutor(executor);
            server.createContext("/sink/", this::handle);
            server.createContext("/stats", this::stats);
            server.start();
        }

        private void handle(HttpExchange exchange) throws IOException {
            long now = System.nanoTime();
            try (exchange) {
                drain(exchange.getRequestBody());
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                int index = targetIndex(exchange.getRequestURI().getPath());
                if (index < 0 || index >= targets.length) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                targets[index].record(exchange.getRequestHeaders().getFirst("webhook-id"), now);
                exchange.sendResponseHeaders(200, -1);
            }
        }

        private static int targetIndex(String path) {
            // /sink/<n>, n from 1
            int n = 0;
            if (path.length() <= 6) {
                return -1;
            }
            for (int i = 6; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n - 1;
        }

        private static void drain(InputStream in) throws IOException {
            byte[] buffer = BUFFER.get();
            while (in.read(buffer) >= 0) {
                // discard
            }
        }

        private void stats(HttpExchange exchange) throws IOException {
            try (exchange) {
                drain(exchange.getRequestBody());
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < targets.length; i++) {
                    out.append("sink-").append(i + 1).append(" distinct=").append(targets[i].distinct.get())
                            .append(" posts=").append(targets[i].posts.get()).append('\n');
                }
                byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        long[] distinct() {
            long[] out = new long[targets.length];
            for (int i = 0; i < targets.length; i++) {
                out[i] = targets[i].distinct.get();
            }
            return out;
        }

        long lastNew() {
            long last = Long.MIN_VALUE;
            for (TargetLog t : targets) {
                last = Math.max(last, t.lastNew.get());
            }
            return last;
        }

        long duplicates() {
            long d = 0;
            for (TargetLog t : targets) {
                d += t.posts.get() - t.distinct.get() - t.noId.get();
            }
            return d;
        }

        long noId() {
            long d = 0;
            for (TargetLog t : targets) {
                d += t.noId.get();
            }
            return d;
        }

        /** Waits until every target has at least want[i] distinct ids; false at the cap. */
        boolean awaitAtLeast(long[] want, Duration cap) throws InterruptedException {
            long deadline = System.nanoTime() + cap.toNanos();
            while (true) {
                boolean all = true;
                for (int i = 0; i < targets.length; i++) {
                    if (targets[i].distinct.get() < want[i]) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
        }

        /** Waits until all targets have the same distinct count and none has changed for quiet; false at the cap. */
        boolean awaitEqualAndStable(Duration quiet, Duration cap) throws InterruptedException {
            long deadline = System.nanoTime() + cap.toNanos();
            long[] last = distinct();
            long since = System.nanoTime();
            while (System.nanoTime() < deadline) {
                Thread.sleep(50);
                long[] now = distinct();
                if (!Arrays.equals(now, last)) {
                    last = now;
                    since = System.nanoTime();
                    continue;
                }
                boolean equal = Arrays.stream(now).distinct().count() == 1;
                if (equal && System.nanoTime() - since >= quiet.toNanos()) {
                    return true;
                }
            }
            return false;
        }

        void stop() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------- load

    static final class Load {
        final HttpClient client;
        final ExecutorService executor;
        /** One per service instance (service=url,url,...): event n goes to instance n mod their number. */
        final URI[] ingest;
        final String run;

        Load(String services, String token, int threads) {
            executor = Executors.newFixedThreadPool(threads, daemon("load"));
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(executor)
                    .build();
            ingest = Arrays.stream(services.split(",")).map(service -> URI.create(service + "/webhooks/tagmango?token=" + token))
                    .toArray(URI[]::new);
            run = Long.toString(System.currentTimeMillis(), 36);
        }

        /** A distinct TagMango completion: the event id hashes (courseId, email, lastProgressOn). */
        HttpRequest request(String phase, int n) {
            String body = "{\"name\":\"Bench Learner " + n + "\",\"email\":\"" + email(phase, n) + "\",\"phone\":5511999990000,\"course\":\"Bench course\",\"courseId\":\"c" + (n % 97)
                    + "\",\"lastProgressOn\":\"2023-11-20T18:30Z\"}";
            return HttpRequest.newBuilder(ingest[Math.floorMod(n, ingest.length)])
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)))
                    .build();
        }

        /** The learner's email in event n of a phase: distinct per event. */
        String email(String phase, int n) {
            return phase + run + "-" + n + "@example.com";
        }

        void stop() {
            executor.shutdownNow();
        }
    }

    /** What a batch of POSTs got back. */
    static final class Sent {
        final int count;
        final long[] sentAt;
        final long[] ackAt;
        final String[] ids;
        /** The learner email of each event (the email target's recipient), kept with the ids. */
        final String[] emails;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger otherStatus = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicLong lastAck = new AtomicLong(Long.MIN_VALUE);
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        volatile String firstError;
        long start;
        long end;
        int maxInFlight;

        Sent(int count, boolean keepIds) {
            this.count = count;
            sentAt = new long[count];
            ackAt = new long[count];
            ids = keepIds ? new String[count] : null;
            emails = keepIds ? new String[count] : null;
        }

        void completed(int i, HttpResponse<String> response, Throwable error) {
            long now = System.nanoTime();
            ackAt[i] = now;
            lastAck.accumulateAndGet(now, Math::max);
            if (error != null) {
                errors.incrementAndGet();
                if (firstError == null) {
                    firstError = error.toString();
                }
                return;
            }
            int status = response.statusCode();
            if (status == 202) {
                String body = response.body();
                if (body.contains("\"duplicate\":true")) {
                    duplicates.incrementAndGet();
                } else {
                    accepted.incrementAndGet();
                }
                if (ids != null) {
                    ids[i] = idOf(body);
                }
            } else {
                otherStatus.incrementAndGet();
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            }
        }

        double[] ackLatenciesMs() {
            double[] out = new double[count];
            int k = 0;
            for (int i = 0; i < count; i++) {
                if (ackAt[i] != 0) {
                    out[k++] = (ackAt[i] - sentAt[i]) / 1e6;
                }
            }
            return Arrays.copyOf(out, k);
        }

        String problems() {
            if (errors.get() == 0 && otherStatus.get() == 0) {
                return "";
            }
            return " (non-202: " + statuses + ", errors: " + errors.get() + (firstError == null ? "" : ", first: " + firstError) + ")";
        }
    }

    static String idOf(String body) {
        int k = body.indexOf("\"id\"");
        if (k < 0) {
            return null;
        }
        int start = body.indexOf('"', body.indexOf(':', k) + 1) + 1;
        int end = body.indexOf('"', start);
        return start > 0 && end > start ? body.substring(start, end) : null;
    }

    /** Closed loop: at most `concurrency` POSTs in flight; returns when all are answered. */
    /** Sends sent.count requests scheduled by time at rate a second (open loop); returns the largest schedule lag (ns). */
    static long openLoop(Load load, String phase, int rate, Sent sent, AtomicInteger inFlight) {
        double period = 1e9 / rate;
        long maxLag = 0;
        long start = System.nanoTime() + 20_000_000L;
        sent.start = start;
        for (int i = 0; i < sent.count; i++) {
            HttpRequest request = load.request(phase, i);
            long due = start + (long) (i * period);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            maxLag = Math.max(maxLag, now - due);
            sent.sentAt[i] = now;
            sent.maxInFlight = Math.max(sent.maxInFlight, inFlight.incrementAndGet());
            int index = i;
            load.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        sent.completed(index, response, error);
                        inFlight.decrementAndGet();
                    });
        }
        return maxLag;
    }

    static Sent sendClosed(Load load, String phase, int count, int concurrency, boolean keepIds) throws InterruptedException {
        Sent sent = new Sent(count, keepIds);
        Semaphore inFlight = new Semaphore(concurrency);
        sent.start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            HttpRequest request = load.request(phase, i);
            if (sent.emails != null) {
                sent.emails[i] = load.email(phase, i);
            }
            inFlight.acquire();
            int index = i;
            sent.sentAt[i] = System.nanoTime();
            load.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        sent.completed(index, response, error);
                        inFlight.release();
                    });
        }
        inFlight.acquire(concurrency);
        sent.end = System.nanoTime();
        return sent;
    }

    // ---------------------------------------------------------------------------------------- modes

    public static void main(String[] argv) throws Exception {
        // HttpClient hands each response future on to CompletableFuture's default async pool; with fewer
        // than 3 cores that "pool" starts a new thread per task (per request). A common pool of 2 avoids it.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        }
        if (argv.length == 0) {
            System.err.println("usage: java bench/DeliveryBench.java throughput|latency|wrk key=value ...");
            System.exit(2);
        }
        Map<String, String> args = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            int eq = argv[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value: " + argv[i]);
            }
            args.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
        }
        Locale.setDefault(Locale.ROOT);
        Cpu.servicePid = Long.parseLong(args.getOrDefault("servicepid", "-1"));
        Cpu.nanosPerTick = 1_000_000_000L / Long.parseLong(args.getOrDefault("clktck", "100"));
        switch (argv[0]) {
            case "throughput" -> throughput(args);
            case "latency" -> latency(args);
            case "wrk" -> wrk(args);
            case "mixed" -> mixed(args);
            case "subscribers" -> subscribers(args);
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        }
        System.exit(0);
    }

    static String arg(Map<String, String> args, String key, String otherwise) {
        return args.getOrDefault(key, otherwise);
    }

    static int intArg(Map<String, String> args, String key, int otherwise) {
        return Integer.parseInt(arg(args, key, Integer.toString(otherwise)));
    }

    static Sink sink(Map<String, String> args, int targets) throws IOException {
        return new Sink(intArg(args, "sinkport", 19001), targets, intArg(args, "sinkthreads", 4));
    }

    static Load load(Map<String, String> args) {
        return new Load(arg(args, "service", "http://127.0.0.1:18090"), arg(args, "token", "tagmango-demo-secret"),
                intArg(args, "loadthreads", 2));
    }

    static long[] plus(long[] base, long add) {
        long[] out = base.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += add;
        }
        return out;
    }

    /** Closed-loop warm-up, then waits until its events have reached every target. */
    static void warmUp(Load load, Sink sink, int count, int concurrency, Duration cap) throws InterruptedException {
        if (count <= 0) {
            return;
        }
        long[] before = sink.distinct();
        long t0 = System.nanoTime();
        Sent warm = sendClosed(load, "w", count, concurrency, false);
        boolean done = sink.awaitAtLeast(plus(before, warm.accepted.get()), cap);
        System.out.printf("  warm-up: %d events, %d accepted%s, %s in %.1f s%n", count, warm.accepted.get(), warm.problems(),
                done ? "delivered everywhere" : "NOT all delivered", (System.nanoTime() - t0) / 1e9);
    }

    static void throughput(Map<String, String> args) throws Exception {
        int targets = intArg(args, "targets", 1);
        int events = intArg(args, "events", 20000);
        int warmup = intArg(args, "warmup", 5000);
        int concurrency = intArg(args, "concurrency", 64);
        Duration cap = Duration.ofSeconds(intArg(args, "cap", 300));
        Sink sink = sink(args, targets);
        Load load = load(args);
        System.out.printf("throughput, %d target(s): %d events, %d in flight, after %d warm-up events%n", targets, events,
                concurrency, warmup);
        warmUp(load, sink, warmup, concurrency, cap);

        long[] before = sink.distinct();
        long dupsBefore = sink.duplicates();
        Cpu cpu = new Cpu();
        Sent sent = sendClosed(load, "m", events, concurrency, false);
        int accepted = sent.accepted.get();
        boolean done = sink.awaitAtLeast(plus(before, accepted), cap);
        String cpuUse = cpu.since();
        long lastArrival = sink.lastNew();
        double ingestSeconds = (sent.lastAck.get() - sent.start) / 1e9;
        double e2eSeconds = (lastArrival - sent.start) / 1e9;
        double[] ack = sent.ackLatenciesMs();
        Arrays.sort(ack);
        long[] after = sink.distinct();
        long delivered = 0;
        for (int i = 0; i < targets; i++) {
            delivered += after[i] - before[i];
        }
        System.out.printf("  ingest only:     %d accepted in %.2f s = %.0f events/s (202 p50 %.1f ms, p99 %.1f ms)%s%n",
                accepted, ingestSeconds, accepted / ingestSeconds, pct(ack, 50), pct(ack, 99), sent.problems());
        if (done) {
            System.out.printf("  end to end:      %d events x %d target(s) delivered in %.2f s = %.0f events/s (%.0f deliveries/s)%n",
                    accepted, targets, e2eSeconds, accepted / e2eSeconds, (double) accepted * targets / e2eSeconds);
            System.out.printf("  delivery tail:   last delivery %.2f s after the last 202%n", (lastArrival - sent.lastAck.get()) / 1e9);
        } else {
            System.out.printf("  end to end:      NOT complete after %d s: delivered %s of %d per target%n", cap.toSeconds(),
                    Arrays.toString(minus(after, before)), accepted);
        }
        System.out.printf("  redeliveries seen by the sink (same id again): %d%n", sink.duplicates() - dupsBefore);
        System.out.printf("  CPU, first POST to last delivery: %s%n", cpuUse);
        System.out.printf("RESULT throughput-%d targets=%d events=%d ingest_eps=%.0f e2e_eps=%s delivered=%d complete=%s%n",
                targets, targets, accepted, accepted / ingestSeconds, done ? String.format("%.0f", accepted / e2eSeconds) : "NA",
                delivered, done);
        load.stop();
        sink.stop();
    }

    static long[] minus(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    static void latency(Map<String, String> args) throws Exception {
        int rate = intArg(args, "rate", 500);
        int seconds = intArg(args, "seconds", 20);
        int warmup = intArg(args, "warmup", 5000);
        int concurrency = intArg(args, "concurrency", 64);
        Duration cap = Duration.ofSeconds(intArg(args, "cap", 120));
        Sink sink = sink(args, 1);
        Load load = load(args);
        System.out.printf("latency, 1 target: open loop at %d events/s for %d s, after %d warm-up events%n", rate, seconds, warmup);
        warmUp(load, sink, warmup, concurrency, cap);
        // A lead-in at the measured rate, not counted: the closed-loop warm-up leaves the service work
        // to finish (queued log rows, a heap full of the burst's garbage) that is not the steady state.
        int leadIn = intArg(args, "leadin", 5);
        if (leadIn > 0) {
            openLoop(load, "p", rate, new Sent(rate * leadIn, false), new AtomicInteger());
            System.out.printf("  lead-in:         %d s at %d events/s, not counted%n", leadIn, rate);
        }
        // The harness's own heap, settled before the window: the warm-up left its timings and ids in the
        // young generation, and the first young collection in the window copied them all, a
        // 117-529 ms pause that stalled the sink and the load alike and was counted as the service's
        // latency (bench/README.md, "eleventh step"). Only the harness is collected, never the service.
        Runtime heap = Runtime.getRuntime();
        long usedBefore = heap.totalMemory() - heap.freeMemory();
        System.gc();
        System.out.printf("  harness heap:    %d MB used before the window, %d MB after a full collection%n",
                usedBefore >> 20, (heap.totalMemory() - heap.freeMemory()) >> 20);

        int count = rate * seconds;
        Sent sent = new Sent(count, true);
        AtomicInteger inFlight = new AtomicInteger();
        long deliveredBefore = sink.targets[0].distinct.get();
        ServiceGc gcBefore = ServiceGc.now();
        HarnessGc harnessGcBefore = HarnessGc.now();
        Cpu cpu = new Cpu();
        long maxLag = openLoop(load, "l", rate, sent, inFlight);
        String gcInWindow = ServiceGc.between(gcBefore, ServiceGc.now());
        String harnessGcInWindow = HarnessGc.between(harnessGcBefore, HarnessGc.now());
        int maxInFlight = sent.maxInFlight;
        long start = sent.start;
        long lastSend = System.nanoTime();
        long deliveredInWindow = sink.targets[0].distinct.get() - deliveredBefore;
        String cpuUse = cpu.since();
        while (inFlight.get() > 0) {
            Thread.sleep(5);
        }
        int accepted = sent.accepted.get() + sent.duplicates.get();
        // Wait for every accepted id at the sink.
        TargetLog log = sink.targets[0];
        long deadline = System.nanoTime() + cap.toNanos();
        int missing;
        do {
            missing = 0;
            for (int i = 0; i < count; i++) {
                if (sent.ids[i] != null && !log.firstArrival.containsKey(sent.ids[i])) {
                    missing++;
                }
            }
            if (missing > 0) {
                Thread.sleep(50);
            }
        } while (missing > 0 && System.nanoTime() < deadline);

        double[] fromAck = new double[count];
        double[] fromPost = new double[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            Long arrival = sent.ids[i] == null ? null : log.firstArrival.get(sent.ids[i]);
            if (arrival != null) {
                fromAck[k] = (arrival - sent.ackAt[i]) / 1e6;
                fromPost[k] = (arrival - sent.sentAt[i]) / 1e6;
                k++;
            }
        }
        String dump = args.get("dump");
        if (dump != null) {
            // Diagnostic: each delivered event's 202 as wall-clock ms and its 202 -> delivery time, to line
            // the slow ones up with the service's GC log (-Xlog:gc*:file=...:time) or other logs.
            long wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
            try (java.io.PrintWriter out = new java.io.PrintWriter(dump)) {
                for (int i = 0; i < count; i++) {
                    Long arrival = sent.ids[i] == null ? null : log.firstArrival.get(sent.ids[i]);
                    if (arrival != null) {
                        out.printf("%d %.3f%n", (sent.ackAt[i] + wallOffsetNanos) / 1_000_000L, (arrival - sent.ackAt[i]) / 1e6);
                    }
                }
            }
        }
        fromAck = Arrays.copyOf(fromAck, k);
        fromPost = Arrays.copyOf(fromPost, k);
        Arrays.sort(fromAck);
        Arrays.sort(fromPost);
        double[] ack = sent.ackLatenciesMs();
        Arrays.sort(ack);
        System.out.printf("  offered:         %d events in %.2f s = %.0f events/s (max schedule lag %.1f ms, max in flight %d)%n",
                count, (lastSend - start) / 1e9, count / ((lastSend - start) / 1e9), maxLag / 1e6, maxInFlight);
        System.out.printf("  accepted:        %d%s; 202 latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", accepted, sent.problems(),
                pct(ack, 50), pct(ack, 99), ack.length == 0 ? 0 : ack[ack.length - 1]);
        System.out.printf("  delivered:       %d of %d accepted%s; %d (%.0f/s) while the load ran%n", k, accepted,
                missing > 0 ? " (cap of " + cap.toSeconds() + " s reached)" : "", deliveredInWindow,
                deliveredInWindow / ((lastSend - start) / 1e9));
        System.out.printf("  202 -> delivery: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (min %.1f ms)%n",
                pct(fromAck, 50), pct(fromAck, 90), pct(fromAck, 99), k == 0 ? 0 : fromAck[k - 1], k == 0 ? 0 : fromAck[0]);
        System.out.printf("  POST -> delivery: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                pct(fromPost, 50), pct(fromPost, 90), pct(fromPost, 99), k == 0 ? 0 : fromPost[k - 1]);
        System.out.printf("  CPU while the load ran: %s%n", cpuUse);
        System.out.printf("  service GC while the load ran: %s%n", gcInWindow);
        System.out.printf("  harness GC while the load ran: %s%n", harnessGcInWindow);
        System.out.printf("RESULT latency rate=%d accepted=%d delivered=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                rate, accepted, k, pct(fromAck, 50), pct(fromAck, 90), pct(fromAck, 99), k == 0 ? 0 : fromAck[k - 1]);
        load.stop();
        sink.stop();
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    // ---------------------------------------------------------------------------------------- mixed

    /**
     * A local SMTP server that takes every message and remembers when each recipient's first message came:
     * the email target's sink. Just enough SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
     */
    static final class SmtpSink {
        final ConcurrentHashMap<String, Long> firstArrival = new ConcurrentHashMap<>(1 << 16);
        final AtomicLong messages = new AtomicLong();
        final AtomicLong lastNew = new AtomicLong();
        final java.net.ServerSocket server;
        final ExecutorService connections = Executors.newCachedThreadPool(daemon("smtp"));

        SmtpSink(int port) throws IOException {
            server = new java.net.ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port), 256);
            Thread accept = daemon("smtp-accept").newThread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket socket = server.accept();
                        connections.execute(() -> serve(socket));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.start();
        }

        private void serve(java.net.Socket socket) {
            try (socket;
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    var out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1))) {
                reply(out, "220 bench ESMTP");
                List<String> recipients = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "EHLO" -> reply(out, "250-bench\r\n250 8BITMIME");
                        case "HELO", "NOOP" -> reply(out, "250 ok");
                        case "MAIL" -> {
                            recipients.clear();
                            reply(out, "250 ok");
                        }
                        case "RCPT" -> {
                            int lt = line.indexOf('<');
                            int gt = line.indexOf('>', lt + 1);
                            recipients.add(lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : line.substring(8).trim());
                            reply(out, "250 ok");
                        }
                        case "DATA" -> {
                            reply(out, "354 end with .");
                            while ((line = in.readLine()) != null && !line.equals(".")) {
                                // the message itself is not kept
                            }
                            long now = System.nanoTime();
                            messages.incrementAndGet();
                            for (String r : recipients) {
                                if (firstArrival.putIfAbsent(r.toLowerCase(Locale.ROOT), now) == null) {
                                    lastNew.accumulateAndGet(now, Math::max);
                                }
                            }
                            reply(out, "250 queued");
                        }
                        case "RSET" -> {
                            recipients.clear();
                            reply(out, "250 ok");
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye");
                            return;
                        }
                        default -> reply(out, "502 not implemented");
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void reply(java.io.BufferedWriter out, String text) throws IOException {
            out.write(text);
            out.write("\r\n");
            out.flush();
        }

        void stop() throws IOException {
            server.close();
            connections.shutdownNow();
        }
    }

    /** The event ids in the csv and ndjson targets' files under a directory (every *.csv and *.ndjson). */
    static java.util.Set<String> idsInFiles(java.nio.file.Path directory) throws IOException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        if (!java.nio.file.Files.isDirectory(directory)) {
            return ids;
        }
        Pattern ndjsonId = Pattern.compile("\"id\":\"(evt_[^\"]+)\"");
        try (var files = java.nio.file.Files.walk(directory)) {
            for (java.nio.file.Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".csv") && !name.endsWith(".ndjson")) {
                    continue;
                }
                for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (name.endsWith(".csv")) {
                        int comma = line.lastIndexOf(',');
                        if (comma >= 0 && line.startsWith("20")) {
                            ids.add("csv:" + line.substring(comma + 1).trim());
                        }
                    } else {
                        Matcher m = ndjsonId.matcher(line);
                        if (m.find()) {
                            ids.add("ndjson:" + m.group(1));
                        }
                    }
                }
            }
        }
        return ids;
    }

    /** The service's accept → delivery histogram per target (coursewire_delivery_latency_seconds), cumulative counts by bucket. */
    static Map<String, java.util.TreeMap<Double, Double>> serviceLatencyBuckets(String service) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String text = client.send(HttpRequest.newBuilder(URI.create(service + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Pattern bucket = Pattern.compile("^coursewire_delivery_latency_seconds_bucket\\{(.*)\\} ([0-9.eE+-]+)$");
        Map<String, java.util.TreeMap<Double, Double>> out = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = bucket.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Matcher target = Pattern.compile("target=\"([^\"]+)\"").matcher(m.group(1));
            Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(m.group(1));
            if (target.find() && le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                out.computeIfAbsent(target.group(1), t -> new java.util.TreeMap<>()).put(bound, Double.parseDouble(m.group(2)));
            }
        }
        return out;
    }

    /** The bucket bound (ms) under which p percent of the deliveries counted between two readings fell. */
    static double bucketPercentileMs(java.util.TreeMap<Double, Double> before, java.util.TreeMap<Double, Double> after, double p) {
        double total = after.lastEntry().getValue() - (before == null ? 0 : before.lastEntry().getValue());
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> e : after.entrySet()) {
            double count = e.getValue() - (before == null ? 0 : before.getOrDefault(e.getKey(), 0.0));
            if (count >= p / 100.0 * total) {
                return e.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * REST Hook subscribers (issue 14): registers subs=N subscriptions to course_completed, each to its own
     * sink path, through the admin API, and reports the service's threads and RSS before and after; then
     * events=E completions closed loop until every one is at all N (deliveries/s, accept → delivery p50/p99
     * from the service's own histogram); then fanout=K single events, one at a time, each timed from its 202
     * to its arrival at the last of the N subscribers.
     */
    static void subscribers(Map<String, String> args) throws Exception {
        int subs = intArg(args, "subs", 50);
        int events = intArg(args, "events", 20000);
        int warmup = intArg(args, "warmup", 5000);
        int fanouts = intArg(args, "fanout", 0);
        int concurrency = intArg(args, "concurrency", 64);
        Duration cap = Duration.ofSeconds(intArg(args, "cap", 300));
        String service = arg(args, "service", "http://127.0.0.1:18090");
        String adminToken = arg(args, "admintoken", "bench-admin-token");
        int sinkPort = intArg(args, "sinkport", 19001);
        Sink sink = sink(args, subs);
        Load load = load(args);
        System.out.printf("subscribers: %d subscriptions to course_completed; %d events, %s, after %d warm-up events; %d timed fan-outs%n",
                subs, events, intArg(args, "rate", 0) > 0 ? "open loop at " + intArg(args, "rate", 0) + "/s" : concurrency + " in flight",
                warmup, fanouts);

        String threadsBefore = procStatus("Threads"), rssBefore = procStatus("VmRSS");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long t0 = System.nanoTime();
        for (int i = 1; i <= subs; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(service + "/api/v1/rest_hooks/course_completed/subscriptions"))
                    .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:" + sinkPort + "/sink/" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("subscription " + i + " refused: " + r.statusCode() + " " + r.body());
            }
        }
        double registerSeconds = (System.nanoTime() - t0) / 1e9;
        String threadsAfter = procStatus("Threads"), rssAfter = procStatus("VmRSS");
        System.out.printf("  registered:      %d subscriptions in %.1f s (%.0f/s)%n", subs, registerSeconds, subs / registerSeconds);
        System.out.printf("  service threads: %s before, %s after registering; RSS %s before, %s after%n", threadsBefore, threadsAfter,
                rssBefore, rssAfter);

        warmUp(load, sink, warmup, concurrency, cap);
        String eps = "NA", dps = "NA", p50 = "NA", p99 = "NA";
        boolean done = true;
        if (events > 0) {
            long[] before = sink.distinct();
            Map<String, java.util.TreeMap<Double, Double>> bucketsBefore = serviceLatencyBuckets(service);
            Cpu cpu = new Cpu();
            int rate = intArg(args, "rate", 0);
            Sent sent;
            if (rate > 0) {
                // Open loop: accept -> delivery at that rate, not a backlog's at saturation.
                sent = new Sent(events, false);
                openLoop(load, "m", rate, sent, new AtomicInteger());
            } else {
                sent = sendClosed(load, "m", events, concurrency, false);
            }
            int accepted = sent.accepted.get();
            done = sink.awaitAtLeast(plus(before, accepted), cap);
            String cpuUse = cpu.since();
            double e2eSeconds = (sink.lastNew() - sent.start) / 1e9;
            long delivered = 0;
            long[] after = sink.distinct();
            for (int i = 0; i < subs; i++) {
                delivered += after[i] - before[i];
            }
            Map<String, java.util.TreeMap<Double, Double>> bucketsAfter = serviceLatencyBuckets(service);
            java.util.TreeMap<Double, Double> a = bucketsAfter.get("subscription:*"), b = bucketsBefore.get("subscription:*");
            if (a != null) {
                p50 = String.format("%.0f", bucketPercentileMs(b, a, 50));
                p99 = String.format("%.0f", bucketPercentileMs(b, a, 99));
            }
            eps = String.format("%.0f", accepted / e2eSeconds);
            dps = String.format("%.0f", delivered / e2eSeconds);
            System.out.printf("  end to end:      %d events x %d subscribers = %d deliveries in %.2f s = %s events/s, %s deliveries/s%s%n",
                    accepted, subs, delivered, e2eSeconds, eps, dps, done ? "" : " (NOT complete after " + cap.toSeconds() + " s)");
            System.out.printf("  accept→delivery: p50 <= %s ms, p99 <= %s ms (service histogram, subscription:*)%s%n", p50, p99, sent.problems());
            System.out.printf("  redeliveries seen by the sink (same id again): %d%n", sink.duplicates());
            System.out.printf("  CPU, first POST to last delivery: %s%n", cpuUse);
        }
        double[] fan = new double[fanouts];
        for (int k = 0; k < fanouts; k++) {
            long[] before = sink.distinct();
            long start = System.nanoTime();
            Sent one = sendClosed(load, "f" + k, 1, 1, false);
            if (one.accepted.get() != 1 || !sink.awaitAtLeast(plus(before, 1), cap)) {
                System.out.printf("  fan-out %d: NOT complete%s%n", k, one.problems());
                done = false;
                fan = Arrays.copyOf(fan, k);
                break;
            }
            fan[k] = (sink.lastNew() - start) / 1e6;
        }
        String fanMedian = "NA", fanMax = "NA";
        if (fan.length > 0) {
            double[] sorted = fan.clone();
            Arrays.sort(sorted);
            fanMedian = String.format("%.0f", pct(sorted, 50));
            fanMax = String.format("%.0f", sorted[sorted.length - 1]);
            System.out.printf("  one event to all %d subscribers: median %s ms, max %s ms over %d events (POST to last arrival)%n", subs,
                    fanMedian, fanMax, fan.length);
        }
        String threadsEnd = procStatus("Threads");
        System.out.printf("  service threads at the end: %s%n", threadsEnd);
        System.out.printf("RESULT subscribers-%d%s subs=%d events_per_s=%s deliveries_per_s=%s p50_ms=%s p99_ms=%s fanout_median_ms=%s fanout_max_ms=%s"
                + " threads_before=%s threads_registered=%s threads_end=%s rss_registered=%s complete=%s%n", subs,
                intArg(args, "rate", 0) > 0 ? "-at-" + intArg(args, "rate", 0) : "", subs, eps, dps, p50, p99,
                fanMedian, fanMax, threadsBefore, threadsAfter, threadsEnd, rssAfter.replace(" ", ""), done);
        load.stop();
        sink.stop();
    }

    /** A field of the service's /proc/<pid>/status (Threads, VmRSS), or "?". */
    static String procStatus(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + Cpu.servicePid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            // the service is gone
        }
        return "?";
    }

    static int deadLetters(String service, String adminToken) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String body = client.send(HttpRequest.newBuilder(URI.create(service + "/api/v1/dead-letters?limit=1000"))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString()).body();
        int n = 0;
        for (int k = body.indexOf("\"eventId\""); k >= 0; k = body.indexOf("\"eventId\"", k + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Five targets of mixed kinds (two HTTP sinks here, csv and ndjson files, email to the SMTP sink here):
     * closed-loop load, then waits until every accepted event is at all five. With reload=<targets file>,
     * the file is rewritten every second (the X-Reload header value of sink-1 changes), so the service
     * reloads its targets once a second while the load runs.
     */
    static void mixed(Map<String, String> args) throws Exception {
        int events = intArg(args, "events", 20000);
        int warmup = intArg(args, "warmup", 5000);
        int concurrency = intArg(args, "concurrency", 64);
        Duration cap = Duration.ofSeconds(intArg(args, "cap", 300));
        java.nio.file.Path files = java.nio.file.Path.of(arg(args, "files", "target/bench-files"));
        String service = arg(args, "service", "http://127.0.0.1:18090");
        String reload = args.get("reload");
        Sink sink = sink(args, 2);
        SmtpSink smtp = new SmtpSink(intArg(args, "smtpport", 19025));
        Load load = load(args);
        System.out.printf("mixed, 5 targets (2 http, csv, ndjson, email): %d events, %s, after %d warm-up events%s%n",
                events, intArg(args, "rate", 0) > 0 ? "open loop at " + intArg(args, "rate", 0) + "/s" : concurrency + " in flight", warmup,
                reload == null ? "" : "; targets reloaded every second");
        // Warm-up: its events at every target before the measured run starts.
        if (warmup > 0) {
            long t0 = System.nanoTime();
            Sent warm = sendClosed(load, "w", warmup, concurrency, true);
            awaitAllFive(warm, sink, smtp, files, cap);
            System.out.printf("  warm-up: %d accepted%s in %.1f s%n", warm.accepted.get(), warm.problems(), (System.nanoTime() - t0) / 1e9);
        }
        AtomicBoolean reloading = new AtomicBoolean(reload != null);
        AtomicInteger reloads = new AtomicInteger();
        Thread reloader = null;
        if (reload != null) {
            java.nio.file.Path file = java.nio.file.Path.of(reload);
            String template = java.nio.file.Files.readString(file);
            reloader = daemon("reloader").newThread(() -> {
                while (reloading.get()) {
                    try {
                        Thread.sleep(1000);
                        int n = reloads.incrementAndGet();
                        java.nio.file.Path next = file.resolveSibling(file.getFileName() + ".next");
                        java.nio.file.Files.writeString(next, template.replace("X-Reload: \"0\"", "X-Reload: \"" + n + "\""));
                        java.nio.file.Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        System.out.println("  reload failed: " + e);
                    }
                }
            });
            reloader.start();
        }
        Map<String, java.util.TreeMap<Double, Double>> before = serviceLatencyBuckets(service);
        Cpu cpu = new Cpu();
        int rate = intArg(args, "rate", 0);
        Sent sent;
        if (rate > 0) {
            // Open loop: the accept -> delivery times are the service's at that rate, not a queue's at saturation.
            sent = new Sent(events, true);
            for (int i = 0; i < events; i++) {
                sent.emails[i] = load.email("m", i);
            }
            AtomicInteger inFlight = new AtomicInteger();
            openLoop(load, "m", rate, sent, inFlight);
            while (inFlight.get() > 0) {
                Thread.sleep(5);
            }
        } else {
            sent = sendClosed(load, "m", events, concurrency, true);
        }
        long complete = awaitAllFive(sent, sink, smtp, files, cap);
        reloading.set(false);
        if (reloader != null) {
            reloader.interrupt();
            reloader.join();
        }
        String cpuUse = cpu.since();
        Map<String, java.util.TreeMap<Double, Double>> after = serviceLatencyBuckets(service);
        int accepted = sent.accepted.get();
        double ingestSeconds = (sent.lastAck.get() - sent.start) / 1e9;
        double e2eSeconds = (complete - sent.start) / 1e9;
        double[] ack = sent.ackLatenciesMs();
        Arrays.sort(ack);
        int dead = deadLetters(service, arg(args, "admintoken", "coursewire-demo-admin-token"));
        System.out.printf("  ingest only:     %d accepted in %.2f s = %.0f events/s (202 p99 %.1f ms)%s%n", accepted, ingestSeconds,
                accepted / ingestSeconds, pct(ack, 99), sent.problems());
        if (complete > 0) {
            System.out.printf("  end to end:      %d events at all 5 targets in %.2f s = %.0f events/s (%.0f deliveries/s)%n", accepted,
                    e2eSeconds, accepted / e2eSeconds, accepted * 5 / e2eSeconds);
        } else {
            System.out.printf("  end to end:      NOT complete after %d s%n", cap.toSeconds());
        }
        StringBuilder p99s = new StringBuilder();
        for (Map.Entry<String, java.util.TreeMap<Double, Double>> e : after.entrySet()) {
            java.util.TreeMap<Double, Double> b = before.get(e.getKey());
            p99s.append(String.format(" %s p50 %.0f / p99 %.0f ms;", e.getKey(), bucketPercentileMs(b, e.getValue(), 50),
                    bucketPercentileMs(b, e.getValue(), 99)));
        }
        System.out.printf("  accept -> delivery (service histogram, bucket bounds):%s%n", p99s);
        System.out.printf("  dead letters: %d; SMTP messages: %d; reloads during the run: %d%n", dead, smtp.messages.get(), reloads.get());
        System.out.printf("  CPU, first POST to last delivery: %s%n", cpuUse);
        double worstP99 = 0;
        for (Map.Entry<String, java.util.TreeMap<Double, Double>> e : after.entrySet()) {
            worstP99 = Math.max(worstP99, bucketPercentileMs(before.get(e.getKey()), e.getValue(), 99));
        }
        System.out.printf("RESULT mixed%s%s events=%d e2e_eps=%s dead=%d reloads=%d worst_target_p99_ms=%.0f complete=%s%n",
                reload == null ? "" : "-reload", rate > 0 ? " rate=" + rate : "", accepted, complete > 0 ? String.format("%.0f", accepted / e2eSeconds) : "NA", dead,
                reloads.get(), worstP99, complete > 0);
        load.stop();
        sink.stop();
        smtp.stop();
    }

    /** Waits until every accepted event of the batch is at both HTTP sinks, the SMTP sink and both files; returns when (nanoTime), or 0 at the cap. */
    static long awaitAllFive(Sent sent, Sink sink, SmtpSink smtp, java.nio.file.Path files, Duration cap) throws Exception {
        long deadline = System.nanoTime() + cap.toNanos();
        while (System.nanoTime() < deadline) {
            int missing = 0;
            long last = 0;
            java.util.Set<String> inFiles = null;
            for (int i = 0; i < sent.count && missing == 0; i++) {
                String id = sent.ids[i];
                if (id == null) {
                    continue;
                }
                Long a = sink.targets[0].firstArrival.get(id);
                Long b = sink.targets[1].firstArrival.get(id);
                Long m = smtp.firstArrival.get(sent.emails[i]);
                if (a == null || b == null || m == null) {
                    missing++;
                    break;
                }
                last = Math.max(last, Math.max(a, Math.max(b, m)));
            }
            if (missing == 0) {
                inFiles = idsInFiles(files);
                long now = System.nanoTime();
                for (int i = 0; i < sent.count; i++) {
                    String id = sent.ids[i];
                    if (id != null && !(inFiles.contains("csv:" + id) && inFiles.contains("ndjson:" + id))) {
                        missing++;
                        break;
                    }
                }
                if (missing == 0) {
                    // The files are polled: their last line is dated by the poll that found it (at most 200 ms late).
                    return Math.max(last, now);
                }
            }
            Thread.sleep(200);
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------- wrk

    static final class WrkResult {
        long requests;
        double rps;
        double p99Ms = Double.NaN;
        long non2xx;
        long socketErrors;
        String output;
    }

    static WrkResult runWrk(Map<String, String> args, String duration, String tag) throws IOException, InterruptedException {
        String service = arg(args, "service", "http://127.0.0.1:18090");
        String url = service + "/webhooks/tagmango?token=" + arg(args, "token", "tagmango-demo-secret");
        List<String> command = new ArrayList<>(List.of(arg(args, "wrkbin", "wrk"), "-t" + arg(args, "threads", "2"),
                "-c" + arg(args, "connections", "64"), "-d" + duration, "--latency", "-s", arg(args, "lua", "bench/tagmango.lua"), url));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RUN_TAG", tag + Long.toString(System.currentTimeMillis(), 36));
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        WrkResult r = new WrkResult();
        r.output = output;
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(output);
        if (m.find()) {
            r.requests = Long.parseLong(m.group(1));
        }
        m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
        if (m.find()) {
            r.rps = Double.parseDouble(m.group(1));
        }
        m = Pattern.compile("\\n\\s*99%\\s+([0-9.]+)(us|ms|s)").matcher(output);
        if (m.find()) {
            double v = Double.parseDouble(m.group(1));
            r.p99Ms = switch (m.group(2)) {
                case "us" -> v / 1000;
                case "s" -> v * 1000;
                default -> v;
            };
        }
        m = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(output);
        if (m.find()) {
            r.non2xx = Long.parseLong(m.group(1));
        }
        m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(output);
        if (m.find()) {
            for (int g = 1; g <= 4; g++) {
                r.socketErrors += Long.parseLong(m.group(g));
            }
        }
        if (r.requests == 0) {
            throw new IllegalStateException("wrk produced no result:\n" + output);
        }
        return r;
    }

    static void wrk(Map<String, String> args) throws Exception {
        int targets = intArg(args, "targets", 4);
        String duration = arg(args, "duration", "10s");
        String warm = arg(args, "wrkwarmup", "20s");
        Duration cap = Duration.ofSeconds(intArg(args, "cap", 120));
        Duration quiet = Duration.ofSeconds(intArg(args, "quiet", 3));
        Sink sink = sink(args, targets);
        System.out.printf("ingest with %d http targets live: wrk %s connections, warm-up %s, then %s measured%n", targets,
                arg(args, "connections", "64"), warm, duration);
        if (!warm.isEmpty() && !warm.equals("0") && !warm.equals("0s")) {
            long t0 = System.nanoTime();
            WrkResult w = runWrk(args, warm, "warm");
            boolean settled = sink.awaitEqualAndStable(quiet, cap);
            System.out.printf("  warm-up: %d requests (%.0f req/s, %d non-2xx), %s %.1f s after it began%n", w.requests, w.rps, w.non2xx,
                    settled ? "all delivered and settled" : "NOT settled", (System.nanoTime() - t0) / 1e9);
        }
        long[] before = sink.distinct();
        long dupsBefore = sink.duplicates();
        Cpu cpu = new Cpu();
        long start = System.nanoTime();
        WrkResult r = runWrk(args, duration, "run");
        long end = System.nanoTime();
        String cpuUse = cpu.since();
        long[] atEnd = minus(sink.distinct(), before);
        long accepted = r.requests - r.non2xx;

        boolean reached = sink.awaitAtLeast(plus(before, accepted), cap);
        // Requests wrk gave up on may still have been accepted: let the counts settle, equal at every target.
        boolean settled = reached && sink.awaitEqualAndStable(quiet, cap);
        long[] delivered = minus(sink.distinct(), before);
        double drain = (sink.lastNew() - end) / 1e9;
        long minAtEnd = Arrays.stream(atEnd).min().orElse(0);

        System.out.printf("  wrk:             %.0f req/s, p99 %.2f ms, %d requests, %d non-2xx, %d socket errors%n", r.rps, r.p99Ms,
                r.requests, r.non2xx, r.socketErrors);
        System.out.printf("  delivered while wrk ran: %s per target (%.0f events/s at the slowest target)%n", Arrays.toString(atEnd),
                minAtEnd / ((end - start) / 1e9));
        if (reached) {
            System.out.printf("  drain:           every accepted event (%d 2xx) at all %d targets %.2f s after wrk ended%n", accepted, targets,
                    drain);
        } else {
            System.out.printf("  drain:           NOT complete %d s after wrk ended: %s of %d per target%n", cap.toSeconds(),
                    Arrays.toString(delivered), accepted);
        }
        long extra = Arrays.stream(delivered).max().orElse(0) - accepted;
        System.out.printf("  sink distinct ids per target after settling: %s%s%s; redeliveries seen: %d%n", Arrays.toString(delivered),
                settled ? "" : " (did not settle)",
                extra > 0 ? " (" + extra + " more than wrk's 2xx count: requests still in flight when wrk stopped)" : "",
                sink.duplicates() - dupsBefore);
        System.out.printf("  CPU while wrk ran (wrk itself not counted): %s%n", cpuUse);
        System.out.printf("RESULT wrk-%d targets=%d rps=%.0f p99_ms=%.2f non2xx=%d accepted=%d drain_s=%s%n", targets, targets, r.rps,
                r.p99Ms, r.non2xx, accepted, reached ? String.format("%.2f", drain) : "NA");
        if (args.containsKey("verbose")) {
            System.out.println(r.output);
        }
        sink.stop();
    }

    // ---------------------------------------------------------------------------------------- cpu

    /** CPU used by this JVM and by the service process (from /proc/<pid>/stat), to show who had the cores. */
    /**
     * The service's collections so far, from {@code jstat -gc} (the JDK's own tool, run on the service's
     * pid): a window's young and full collections explain most of its latency tail.
     */
    record ServiceGc(long young, double youngSeconds, long full, double fullSeconds) {
        static ServiceGc now() {
            if (Cpu.servicePid <= 0) {
                return null;
            }
            try {
                Process p = new ProcessBuilder("jstat", "-gc", Long.toString(Cpu.servicePid)).redirectErrorStream(true).start();
                String[] lines = new String(p.getInputStream().readAllBytes()).trim().split("\\R");
                p.waitFor();
                List<String> names = List.of(lines[0].trim().split("\\s+"));
                String[] values = lines[lines.length - 1].trim().split("\\s+");
                return new ServiceGc(Long.parseLong(values[names.indexOf("YGC")]), Double.parseDouble(values[names.indexOf("YGCT")]),
                        Long.parseLong(values[names.indexOf("FGC")]), Double.parseDouble(values[names.indexOf("FGCT")]));
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** e.g. "62 young (mean 9.0 ms), 1 full (151.6 ms)" */
        static String between(ServiceGc before, ServiceGc after) {
            if (before == null || after == null) {
                return "? (jstat unavailable)";
            }
            long young = after.young - before.young;
            long full = after.full - before.full;
            return String.format("%d young (mean %.1f ms), %d full (%.1f ms in all)", young,
                    young == 0 ? 0 : (after.youngSeconds - before.youngSeconds) * 1000 / young, full,
                    (after.fullSeconds - before.fullSeconds) * 1000);
        }
    }

    /**
     * This JVM's own collections: a pause here stalls the sink and the load generator alike and shows as
     * the service's latency (with bench/delivery.sh's serial collector, 56-145 ms each once the harness
     * holds a minute of timings).
     */
    record HarnessGc(Map<String, long[]> byCollector) {
        static HarnessGc now() {
            Map<String, long[]> m = new java.util.LinkedHashMap<>();
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                m.put(gc.getName(), new long[] { gc.getCollectionCount(), gc.getCollectionTime() });
            }
            return new HarnessGc(m);
        }

        /** e.g. "Copy 2 (163 ms in all), MarkSweepCompact 0 (0 ms in all)" for the serial collector. */
        static String between(HarnessGc before, HarnessGc after) {
            List<String> parts = new ArrayList<>();
            after.byCollector.forEach((name, a) -> {
                long[] b = before.byCollector.getOrDefault(name, new long[2]);
                parts.add(String.format("%s %d (%d ms in all)", name, a[0] - b[0], a[1] - b[1]));
            });
            return String.join(", ", parts);
        }
    }

    static final class Cpu {
        static long servicePid = -1;
        static long nanosPerTick = 10_000_000L;
        final long wall = System.nanoTime();
        final long harness = harnessCpu();
        final long service = serviceCpu();

        static long harnessCpu() {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        }

        static long serviceCpu() {
            if (servicePid <= 0) {
                return -1;
            }
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + servicePid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ", in clock ticks
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * nanosPerTick;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** e.g. "service 1.62 cores, harness 0.21 cores (of 2) over 24.5 s" */
        String since() {
            Cpu now = new Cpu();
            double wallNs = now.wall - wall;
            String svc = service < 0 || now.service < 0 ? "?" : String.format("%.2f", (now.service - service) / wallNs);
            String own = harness < 0 ? "?" : String.format("%.2f", (now.harness - harness) / wallNs);
            return "service " + svc + " cores, harness " + own + " cores (of " + Runtime.getRuntime().availableProcessors()
                    + ") over " + String.format("%.1f", wallNs / 1e9) + " s";
        }
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

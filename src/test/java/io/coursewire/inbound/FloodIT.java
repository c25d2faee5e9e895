package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;
import io.coursewire.support.Webhooks;

/**
 * An unauthenticated flood against the packaged service as the README starts it ({@code
 * config/jvm.options}: a 160 MB heap that exits on OutOfMemoryError). 300 connections each send
 * headers and about a megabyte of body, then stall without finishing it. Before the front door checked
 * credentials ahead of bodies, this made the process exit within seconds; now it must live through it,
 * keep answering its liveness probe, and serve an authentic vendor as soon as the flood ends.
 */
class FloodIT {

    private static final int CONNECTIONS = 300;
    private static final int BODY = 1_000_000;
    private static final Path DATA = Path.of("target/it-data/flood");

    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        FreshDataDirectory.delete(DATA);
        Files.createDirectories(DATA);
        Path targets = DATA.resolve("targets.yaml");
        Files.writeString(targets, "targets: []\n");
        service = new ServiceProcess(DATA, Map.of("coursewire.targets.file", targets.toAbsolutePath().toString())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            System.out.printf("FloodIT: service peak RSS %d MiB%n", service.peakRssMiB());
            service.close();
        }
    }

    @Test
    void withoutCredentials() throws Exception {
        String[] vendors = { "toolzz", "zapnito", "thinkific" };
        survive(i -> head("/webhooks/" + vendors[i % vendors.length], ""));
    }

    @Test
    void withZapnitosTokenInTheQuery() throws Exception {
        survive(i -> head("/webhooks/zapnito?Authorization=Token%20token%3Dzapnito-demo-secret", ""));
    }

    /** The admin API decides its token before reading a body too. */
    @Test
    void withoutTheAdminToken() throws Exception {
        survive(i -> head("/api/v1/events/evt_" + String.format("%032x", i) + "/replay", ""));
    }

    /** The one credential that needs the body: a well-formed signature makes the body be read, within the budget. */
    @Test
    void withWellFormedButWrongThinkificSignatures() throws Exception {
        survive(i -> head("/webhooks/thinkific", "X-Thinkific-Hmac-Sha256: " + String.format("%064x", i) + "\r\n"));
    }

    private static String head(String target, String extraHeaders) {
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + BODY + "\r\n\r\n";
    }

    private static void survive(IntFunction<String> heads) throws Exception {
        Flood flood = new Flood(service.port(), heads);
        try {
            flood.begin();
            // Every connection has sent what it will send, or been refused on the way.
            assertThat(flood.sent.await(60, TimeUnit.SECONDS)).as("senders done").isTrue();
            for (int probe = 0; probe < 5; probe++) {
                HttpResponse<String> live = service.get("/q/health/live", Map.of());
                assertThat(live.statusCode()).as("liveness during the flood").isEqualTo(200);
            }
            assertThat(service.isAlive()).isTrue();
        } finally {
            flood.end();
        }
        // Right after: an authentic vendor is served.
        ObjectNode body = Fixtures.json("tagmango-course-completed.json");
        body.put("email", "after-flood-" + System.nanoTime() + "@example.com");
        HttpResponse<String> accepted = service.post("/webhooks/tagmango?token=" + Webhooks.secretOf("tagmango"), "application/json",
                Map.of(), Fixtures.write(body));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(service.isAlive()).isTrue();
        System.out.printf("FloodIT: %d connections of %d bytes each survived; service peak RSS so far %d MiB%n",
                CONNECTIONS, BODY, service.peakRssMiB());
    }

    /** 300 sockets, each: the head, then all but the last byte of a megabyte body, then nothing. */
    private static final class Flood {
        private final int port;
        private final IntFunction<String> heads;
        private final ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
        private final List<Socket> sockets = new ArrayList<>();
        final CountDownLatch sent = new CountDownLatch(CONNECTIONS);

        Flood(int port, IntFunction<String> heads) {
            this.port = port;
            this.heads = heads;
        }

        void begin() {
            byte[] body = new byte[BODY - 1];
            java.util.Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            for (int i = 0; i < CONNECTIONS; i++) {
                int n = i;
                senders.execute(() -> {
                    try {
                        Socket socket = new Socket("127.0.0.1", port);
                        synchronized (sockets) {
                            sockets.add(socket);
                        }
                        OutputStream out = socket.getOutputStream();
                        out.write(heads.apply(n).getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                    } catch (IOException closedOnUs) {
                        // refused: the service closed the connection rather than read on
                    } finally {
                        sent.countDown();
                    }
                });
            }
        }

        void end() throws InterruptedException {
            synchronized (sockets) {
                for (Socket socket : sockets) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // already closed by the service
                    }
                }
            }
            senders.shutdownNow();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}

package io.coursewire.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code target/coursewire-runner.jar}) run as a separate process on a
 * data directory of the test's choosing, so a test can stop it, kill it and start it again on the
 * same state, as an operator's machine would.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/coursewire-runner.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final Map<String, String> properties;
    /** The command up to the -D options: java with the README's JVM options, or the README's launcher. */
    private final List<String> launcher;
    private final boolean launcherAddsJar;
    private final int port;
    private Process process;
    private int starts;

    public ServiceProcess(Path dataDir, Map<String, String> properties) throws IOException {
        this(dataDir, properties, List.of(javaBinary(), "@" + Path.of("config/jvm.options").toAbsolutePath()), false);
    }

    private ServiceProcess(Path dataDir, Map<String, String> properties, List<String> launcher, boolean launcherAddsJar)
            throws IOException {
        this.dataDir = dataDir;
        this.properties = properties;
        this.launcher = launcher;
        this.launcherAddsJar = launcherAddsJar;
        this.port = freePort();
    }

    /** Started as the README starts it: {@code bin/coursewire [jvmOptions] -D...}. */
    public static ServiceProcess viaLauncher(Path dataDir, Map<String, String> properties, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of("bin/coursewire").toAbsolutePath().toString()));
        command.addAll(jvmOptions);
        return new ServiceProcess(dataDir, properties, command, true);
    }

    public int port() {
        return port;
    }

    /** The process's peak resident set so far (VmHWM), in MiB; -1 where /proc cannot tell. */
    public long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public ServiceProcess start() throws IOException, InterruptedException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests with 'mvnw verify'");
        }
        List<String> command = new ArrayList<>(launcher);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dcoursewire.data-dir=" + dataDir.toAbsolutePath());
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (!launcherAddsJar) {
            command.addAll(List.of("-jar", JAR.toString()));
        }
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("service-" + (++starts) + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(log);
        return this;
    }

    /** SIGTERM: a graceful stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGKILL: the process dies wherever it is. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public HttpResponse<String> post(String path, String contentType, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        return send(request(path, headers).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        return send(request(path, headers).GET());
    }

    public HttpResponse<String> delete(String path, Map<String, String> headers) throws IOException, InterruptedException {
        return send(request(path, headers).DELETE());
    }

    private HttpRequest.Builder request(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited during start:\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100); // polling a starting process, not waiting for an outcome
        }
        throw new IllegalStateException("service not ready within 60 s:\n" + Files.readString(log));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package io.coursewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.coursewire.support.Fixtures;
import io.coursewire.support.FreshDataDirectory;
import io.coursewire.support.ServiceProcess;

/**
 * The README's start command, {@code bin/coursewire}: it makes the class archive with one training
 * run per build, and the service it starts loads its own classes from that archive and takes events.
 */
class LauncherIT {

    private static final Path ARCHIVE = Path.of("target/coursewire.jsa");
    private static final Path ROOT = Path.of("target/it-data/launcher");

    @Test
    void theLauncherMakesTheClassArchiveOncePerBuildAndStartsTheServiceFromIt() throws Exception {
        FreshDataDirectory.delete(ROOT);
        Files.createDirectories(ROOT);
        Files.deleteIfExists(ARCHIVE);

        assertThat(archiveOnly()).as("training run").isZero();
        assertThat(ARCHIVE).isNotEmptyFile();
        FileTime made = Files.getLastModifiedTime(ARCHIVE);
        assertThat(archiveOnly()).as("second call").isZero();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).as("a current archive is not made again").isEqualTo(made);

        Path targets = Files.writeString(ROOT.resolve("targets.yaml"), "targets: []\n");
        Path classes = ROOT.resolve("classes.log");
        try (ServiceProcess service = ServiceProcess.viaLauncher(ROOT.resolve("data"),
                Map.of("coursewire.targets.file", targets.toAbsolutePath().toString()),
                List.of("-Xlog:class+load=info:file=" + classes.toAbsolutePath())).start()) {
            var response = service.post("/webhooks/tagmango?token=tagmango-demo-secret", "application/json", Map.of(),
                    Fixtures.tagmangoCompletion("launcher@example.com"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            // The jar leaves application.properties out (Quarkus recorded its values at build time), and they
            // still apply: the vendor routes above come from camel.main.routes-include-pattern, and the admin
            // API answers under quarkus.rest.path.
            try (var jar = new java.util.zip.ZipFile("target/coursewire-runner.jar")) {
                assertThat(jar.getEntry("application.properties")).as("application.properties in the jar").isNull();
            }
            String id = new ObjectMapper().readTree(response.body()).path("id").asText();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var stored = service.get("/api/v1/events/" + id, Map.of("Authorization", "Bearer coursewire-demo-admin-token"));
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            });
            // The two slow parts of a start ran beside the main thread (io.coursewire.startup.ParallelStart): made
            // on the main thread, as one build's order of start-up steps once had it, they added ~0.2 s to ready.
            assertThat(Files.readString(ROOT.resolve("data/service-1.log")))
                    .containsPattern("\\(parallel-start\\) Embedded broker started")
                    .containsPattern("\\(parallel-start\\) Idempotent receiver window")
                    .containsPattern("\\(parallel-start\\) .*Successfully applied \\d+ migrations");
            // The JVM names where each class came from: the service's own, from the archive's top layer.
            assertThat(Files.readString(classes))
                    .contains("io.coursewire.accept.IdempotentReceiver source: shared objects file (top)")
                    .contains("io.coursewire.channel.EmbeddedBroker source: shared objects file (top)");
        }
    }

    private static int archiveOnly() throws Exception {
        Process p = new ProcessBuilder("bin/coursewire", "--archive-only").redirectErrorStream(true)
                .redirectOutput(ROOT.resolve("archive-only.log").toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("bin/coursewire --archive-only within 180 s").isTrue();
        return p.exitValue();
    }
}

package io.coursewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

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

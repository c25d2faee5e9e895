package io.coursewire.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server for email target tests: GreenMail on a free port, and a targets file
 * ({@code src/test/resources/email-targets.yaml}) with its templates directory beside it: the shipped
 * {@code config/templates/completion.*} and the test's own {@code src/test/resources/email-templates/*}.
 * The server can be stopped and started again on the same port, as an SMTP outage.
 */
public class MailSinks implements QuarkusTestResourceLifecycleManager {

    public static final Path DIRECTORY = Path.of("target/email-targets");
    public static final Path TARGETS = DIRECTORY.resolve("targets.yaml");
    public static final Path TEMPLATES = DIRECTORY.resolve("templates");
    public static final String FROM = "coursewire@example.edu";

    private static volatile GreenMail server;
    private static int port;

    public static GreenMail server() {
        return server;
    }

    /** The SMTP server goes away: connections to its port are refused. */
    public static synchronized void down() {
        server.stop();
    }

    /** The SMTP server is back, on the same port, with empty mailboxes. */
    public static synchronized void up() {
        if (!server.isRunning()) {
            server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
        }
    }

    @Override
    public Map<String, String> start() {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        server.start();
        port = server.getSmtp().getPort();
        try {
            Files.createDirectories(TEMPLATES);
            for (String name : new String[] { "completion.txt", "completion.html" }) {
                Files.copy(Path.of("config/templates", name), TEMPLATES.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            try (var own = Files.list(Path.of("src/test/resources/email-templates"))) {
                for (Path template : own.toList()) {
                    Files.copy(template, TEMPLATES.resolve(template.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(Path.of("src/test/resources/email-targets.yaml"), TARGETS, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("coursewire.targets.file", TARGETS.toString(),
                "coursewire.mail.host", "127.0.0.1",
                "coursewire.mail.port", Integer.toString(port),
                "coursewire.mail.from", FROM);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}

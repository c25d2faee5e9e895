package io.coursewire.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real HTTP subscribers for delivery tests: a WireMock server on a free port, and a targets file whose
 * http targets point at it. The file is a template ({@code src/test/resources/http-targets.yaml}, or
 * another a subclass names) with {@code {sink}} standing for the server's base URL.
 */
public class HttpSinks implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40).jettyAcceptors(1));
        server.start();
        try {
            String template = Files.readString(Path.of("src/test/resources").resolve(template()));
            Path targets = Path.of("target").resolve(template());
            Files.writeString(targets, template.replace("{sink}", server.baseUrl()));
            return Map.of("coursewire.targets.file", targets.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The targets file template, under src/test/resources; written with the sink's URL under target/. */
    protected String template() {
        return "http-targets.yaml";
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}

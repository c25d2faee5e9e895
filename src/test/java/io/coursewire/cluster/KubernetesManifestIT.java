package io.coursewire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Kubernetes manifests docs/deployment.md shows (deploy/kubernetes/kubernetes.yml) are the ones
 * quarkus-kubernetes generates from application.properties at package time, not a copy that drifted.
 * Compared as documents: the generator does not always write a map's keys in the same order.
 */
class KubernetesManifestIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theCommittedManifestsAreTheGeneratedOnes() throws Exception {
        List<JsonNode> generated = documents(Path.of("target/kubernetes/kubernetes.yml"));
        assertThat(generated.toString()).contains("\"kind\":\"Deployment\"", "\"QUARKUS_PROFILE\"", "\"cluster\"", "/q/health/ready",
                "secretRef", "coursewire-targets");
        assertThat(documents(Path.of("deploy/kubernetes/kubernetes.yml")))
                .as("deploy/kubernetes/kubernetes.yml is stale: cp target/kubernetes/kubernetes.yml deploy/kubernetes/")
                .isEqualTo(generated);
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll();
        }
    }
}

package io.coursewire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests docs/deployment.md shows (deploy/kubernetes/kubernetes.yml) are the ones
 * quarkus-kubernetes generates from application.properties at package time, not a copy that drifted.
 */
class KubernetesManifestIT {

    @Test
    void theCommittedManifestsAreTheGeneratedOnes() throws Exception {
        String generated = Files.readString(Path.of("target/kubernetes/kubernetes.yml"));
        assertThat(generated).contains("kind: Deployment", "name: QUARKUS_PROFILE", "value: cluster", "path: /q/health/ready",
                "secretRef:", "name: coursewire-targets");
        assertThat(Files.readString(Path.of("deploy/kubernetes/kubernetes.yml")))
                .as("deploy/kubernetes/kubernetes.yml is stale: cp target/kubernetes/kubernetes.yml deploy/kubernetes/")
                .isEqualTo(generated);
    }
}

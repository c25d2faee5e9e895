package io.coursewire.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.coursewire.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * The demo admin token is printed in the README, so while it is in force the admin API serves this
 * machine only: from loopback it works (for trying Coursewire out), from any other address it is 403
 * naming the key to set. The service listens on every interface here, and the test reaches it through
 * the machine's own non-loopback address.
 */
@QuarkusTest
@TestProfile(AdminDemoTokenTest.DemoToken.class)
class AdminDemoTokenTest {

    public static class DemoToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coursewire.admin.token", "", "quarkus.http.host", "0.0.0.0");
        }
    }

    private static final Map<String, String> DEMO = Map.of("Authorization", "Bearer " + AdminAuthentication.DEMO_TOKEN);

    @Test
    void fromLoopbackTheDemoTokenWorks() throws IOException {
        try (RawHttp client = RawHttp.connect("127.0.0.1", RestAssured.port)) {
            client.head("GET", "/api/v1/dead-letters", DEMO);
            assertThat(client.response(Duration.ofSeconds(5)).status()).isEqualTo(200);
        }
    }

    @Test
    void fromAnyOtherAddressItIs403NamingTheKey() throws IOException {
        String address = nonLoopbackAddress();
        try (RawHttp client = RawHttp.connect(address, RestAssured.port)) {
            client.head("GET", "/api/v1/dead-letters", DEMO);
            RawHttp.Response response = client.response(Duration.ofSeconds(5));
            assertThat(response.status()).as("from %s", address).isEqualTo(403);
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(response.body()).contains("coursewire.admin.token");
        }
    }

    /** This machine's own IPv4 address on a real interface (CI machines have one, as every networked host). */
    private static String nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        throw new IllegalStateException("this machine has no non-loopback IPv4 address to test from");
    }
}

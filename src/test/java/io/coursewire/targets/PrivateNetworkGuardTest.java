package io.coursewire.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard of §5, address by address: literals only, so no test depends on DNS. */
class PrivateNetworkGuardTest {

    private final PrivateNetworkGuard refusing = new PrivateNetworkGuard(false);
    private final PrivateNetworkGuard allowing = new PrivateNetworkGuard(true);

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1          | loopback",
            "127.255.255.254    | loopback",
            "::1                | loopback",
            "::ffff:127.0.0.1   | loopback",
            "0.0.0.0            | unspecified",
            "0.1.2.3            | unspecified",
            "::                 | unspecified",
            "169.254.169.254    | link-local",
            "fe80::1            | link-local",
            "10.0.0.1           | private",
            "10.255.255.255     | private",
            "172.16.5.4         | private",
            "172.31.255.255     | private",
            "192.168.1.1        | private",
            "::ffff:10.0.0.1    | private",
            "::ffff:192.168.0.1 | private",
            "fc00::1            | unique local",
            "fd12:3456:789a::1  | unique local",
    })
    void privateAddressesAreRefused(String literal, String kind) throws Exception {
        assertThat(PrivateNetworkGuard.refusal(InetAddress.getByName(literal))).hasValueSatisfying(why -> assertThat(why).contains(kind));
        URI url = URI.create("http://" + (literal.contains(":") ? "[" + literal + "]" : literal) + ":8080/hook?token=abc");
        assertThat(refusing.refusal(url)).hasValueSatisfying(why -> assertThat(why).contains(kind).doesNotContain("token=abc"));
        assertThat(allowing.refusal(url)).as("allow-private-networks=true allows it").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "2606:4700:4700::1111",
            "2001:4860:4860::8888", "::ffff:93.184.216.34" })
    void publicAddressesAreAllowed(String literal) throws Exception {
        assertThat(PrivateNetworkGuard.refusal(InetAddress.getByName(literal))).isEmpty();
        URI url = URI.create("https://" + (literal.contains(":") ? "[" + literal + "]" : literal) + "/hook");
        assertThat(refusing.refusal(url)).isEmpty();
        assertThat(allowing.refusal(url)).isEmpty();
    }

    @Test
    void aNumericHostIsCheckedAsTheAddressItDenotes() {
        // 2130706433 is 127.0.0.1 written as one number, which resolvers accept
        assertThat(refusing.refusal(URI.create("http://2130706433/hook"))).hasValueSatisfying(why -> assertThat(why).contains("loopback"));
    }
}

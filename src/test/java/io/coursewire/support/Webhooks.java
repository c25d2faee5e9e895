package io.coursewire.support;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Posts to the real inbound endpoints the way each vendor does, with the secret the test profile
 * configures (demo secrets, except Thinkific's, which is set explicitly to prove configured secrets work).
 */
public final class Webhooks {

    public static final String THINKIFIC_TEST_SECRET = "test-thinkific-signing-key";

    private Webhooks() {
    }

    public static String secretOf(String vendor) {
        return vendor.equals("thinkific") ? THINKIFIC_TEST_SECRET : vendor + "-demo-secret";
    }

    /** An authentic POST of {@code body} to {@code /webhooks/{vendor}}. */
    public static Response post(String vendor, String body) {
        return authentic(vendor, body).post("/webhooks/" + vendor);
    }

    public static RequestSpecification authentic(String vendor, String body) {
        RequestSpecification spec = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        return switch (vendor) {
            case "zapnito" -> spec.header("Authorization", "Token token=" + secretOf(vendor))
                    .header("X-Zapnito-Hostname", "community.acme.org");
            case "thinkific" -> spec.header("X-Thinkific-Hmac-Sha256", hmacHex(secretOf(vendor), body))
                    .header("X-Thinkific-Subdomain", "acme-academy");
            default -> spec.queryParam("token", secretOf(vendor));
        };
    }

    public static String hmacHex(String key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

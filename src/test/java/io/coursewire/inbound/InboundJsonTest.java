package io.coursewire.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bodies must be UTF-8: what Jackson would otherwise guess or decode leniently is a 400 naming the byte. */
class InboundJsonTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    @Test
    void wellFormedUtf8IsRead() {
        String text = "{\"name\":\"Zoë ✓ 🎓 \\ud83c\\udf93\"}";
        assertThat(InboundJson.parse(text.getBytes(StandardCharsets.UTF_8)).path("name").asText()).isEqualTo("Zoë ✓ 🎓 🎓");
        assertThat(InboundJson.firstInvalidUtf8(hex("efbbbf7b7d"))).as("a UTF-8 byte order mark").isEqualTo(-1);
        assertThat(InboundJson.firstInvalidUtf8(hex("f48fbfbf"))).as("U+10FFFF, the last code point").isEqualTo(-1);
        assertThat(InboundJson.firstInvalidUtf8(hex("ed9fbf"))).as("U+D7FF, just below the surrogates").isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "7b2261223a2280227d",     // a continuation byte alone
            "7b2261223a22c0af227d",   // overlong '/'
            "7b2261223a22e080af227d", // overlong, three bytes
            "7b2261223a22eda080227d", // a UTF-16 surrogate (CESU-8)
            "7b2261223a22f4908080227d", // past U+10FFFF
            "7b2261223a22f8888080227d", // no such lead byte
            "7b2261223a22e282",       // cut short
            "7b2261223a2200227d" })   // a raw NUL
    void anythingElseIsRefusedNamingTheByte(String body) {
        InvalidPayloadException refused = catchThrowableOfType(InvalidPayloadException.class, () -> InboundJson.parse(hex(body)));
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("not valid UTF-8 (byte 6)");
    }

    @ParameterizedTest
    @ValueSource(strings = { "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE" })
    void otherEncodingsAreNotGuessed(String charset) {
        byte[] body = "{\"email\":\"a@b.c\"}".getBytes(Charset.forName(charset));
        assertThat(catchThrowableOfType(InvalidPayloadException.class, () -> InboundJson.parse(body)).getMessage())
                .contains("not valid UTF-8");
    }
}

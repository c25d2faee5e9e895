package io.coursewire.inbound;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.vertx.core.buffer.Buffer;

/** Reads what a platform-http request carries, without parsing the body. */
public final class InboundRequest {

    /** The exchange property naming the vendor, set by each vendor's YAML route. */
    public static final String VENDOR = "vendor";

    private InboundRequest() {
    }

    /** The raw request body as bytes (empty when there is none); kept as the body so it is copied once. */
    public static byte[] rawBody(Exchange exchange) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else if (body instanceof byte[] b) {
            return b;
        } else if (body instanceof Buffer buffer) {
            bytes = buffer.getBytes();
        } else {
            bytes = message.getBody(byte[].class);
            if (bytes == null) {
                bytes = new byte[0];
            }
        }
        message.setBody(bytes);
        return bytes;
    }

    /** True for {@code application/json} and {@code application/*+json}, parameters ignored. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }
}

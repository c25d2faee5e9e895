package io.coursewire.inbound;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import org.apache.camel.component.platform.http.vertx.HttpMessage;

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

    /**
     * The request line and headers as they arrived over HTTP, not Camel's message headers (which mix
     * in the query string and whatever earlier steps set).
     */
    public static RequestHead head(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage http) {
            return RequestHead.of(http.getRequest());
        }
        throw new IllegalStateException("inbound routes must start from platform-http");
    }

    /** The request's own headers, for a Translator (e.g. {@code X-Zapnito-Hostname}); never query parameters. */
    public static RequestHeaders headers(Exchange exchange) {
        RequestHead head = head(exchange);
        return name -> {
            String value = head.header(name);
            if (value == null) {
                return null;
            }
            String text = value.trim();
            return text.isEmpty() ? null : text;
        };
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

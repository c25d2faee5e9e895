package io.coursewire.inbound;

import java.util.Map;

import io.coursewire.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;

/**
 * What a request carries before its body: the headers and the query string, kept apart. Camel's
 * message headers mix query parameters in among the headers, so a credential or a routing field
 * read from them could be set from the URL; reads through this view cannot.
 */
public interface RequestHead {

    /** The header's value (the first, when repeated), or null. */
    String header(String name);

    /** The query parameter's value (the first, when repeated), or null. */
    String query(String name);

    static RequestHead of(HttpServerRequest request) {
        return new RequestHead() {
            @Override
            public String header(String name) {
                return request.getHeader(name);
            }

            @Override
            public String query(String name) {
                try {
                    return request.getParam(name);
                } catch (IllegalArgumentException malformed) {
                    throw new ProblemException(400, "bad-request", "Bad Request", "the query string is not valid URL encoding", Map.of());
                }
            }
        };
    }
}

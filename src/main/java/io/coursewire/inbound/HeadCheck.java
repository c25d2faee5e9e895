package io.coursewire.inbound;

/**
 * What a vendor route's authenticity step can decide from the request line and headers alone. The
 * {@link InboundGuard} finds the step among the route's processors and runs this before the body is
 * read; the step itself ({@code inbound.authenticity}) does the rest once the body is there.
 */
public interface HeadCheck {

    /** Throws {@link io.coursewire.problem.ProblemException} (404, 415, 401) unless the head may be followed by its body. */
    void checkHead(String vendor, RequestHead head);
}

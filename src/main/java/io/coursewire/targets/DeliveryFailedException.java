package io.coursewire.targets;

/**
 * A delivery attempt that did not succeed: a non-2xx answer ({@code status}), a timeout, a refused
 * connection. {@code final} failures (410 Gone from a static target) are dead-lettered at once.
 * No stack trace: it is an outcome, recorded and retried, not a fault.
 */
public class DeliveryFailedException extends Exception {

    private final Integer status;
    private final boolean permanent;

    public DeliveryFailedException(Integer status, String message, boolean permanent) {
        super(message, null, false, false);
        this.status = status;
        this.permanent = permanent;
    }

    /** The HTTP status the target answered, or null when there was no answer. */
    public Integer status() {
        return status;
    }

    public boolean permanent() {
        return permanent;
    }

    /** This failure as a future's failure cause ({@code CompletableFuture} unwraps it again). */
    public java.util.concurrent.CompletionException unchecked() {
        return new java.util.concurrent.CompletionException(this);
    }
}

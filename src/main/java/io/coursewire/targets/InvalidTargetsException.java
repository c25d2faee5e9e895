package io.coursewire.targets;

/** A targets file that is refused as a whole; the message says where and why. */
public class InvalidTargetsException extends Exception {
    public InvalidTargetsException(String message) {
        super(message);
    }
}

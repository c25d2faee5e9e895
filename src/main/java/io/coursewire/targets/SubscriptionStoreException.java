package io.coursewire.targets;

/**
 * The database did not take or give the subscriptions: the caller may try again later. The message
 * names the failure by SQLState only and there is no cause: a driver's own message may quote the
 * row's values, a subscriber's token among them.
 */
public class SubscriptionStoreException extends RuntimeException {

    public SubscriptionStoreException(String message) {
        super(message, null, false, false);
    }
}

package io.hookbridge.inbox;

/** The event could not be stored, so it must not be acknowledged: HTTP sources answer 503 and providers retry. */
public class InboxUnavailableException extends RuntimeException {

    public InboxUnavailableException(String inbox, Throwable cause) {
        super("inbox " + inbox + " could not store the event", cause);
    }
}

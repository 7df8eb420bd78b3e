package io.hookbridge.inbox;

/**
 * Thrown by a delivery route to say that retrying cannot help (bad token, unknown channel, invalid number...): the
 * delivery goes dead at once, with this message in its attempt log. Routes can raise it from YAML with
 * {@code throwException: {exceptionType: io.hookbridge.inbox.PermanentDeliveryException, message: ...}}.
 */
public class PermanentDeliveryException extends RuntimeException {

    public PermanentDeliveryException(String message) {
        super(message);
    }
}

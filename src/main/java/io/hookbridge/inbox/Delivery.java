package io.hookbridge.inbox;

/**
 * One event on its way to one subscription. {@code attempts} counts the attempts already made; {@code event} is the
 * event itself when it is still in memory from its arrival, or null when the worker reads it from the store.
 */
public record Delivery(String eventId, String subscription, int attempts, Event event) {

    long bodySize() {
        return event == null ? 0 : event.body().length;
    }
}

package io.hookbridge.inbox;

/** One event on its way to one subscription; {@code attempts} counts the attempts already made. */
public record Delivery(Event event, String subscription, int attempts) {
}

package io.hookbridge.inbox;

/**
 * One event on its way to one subscription. {@code attempts} counts the attempts already made, {@code scheduleOffset}
 * those made before the last replay (the retry schedule starts over after a replay); {@code event} is the event
 * itself when it is still in memory from its arrival, or null when the worker reads it from the store.
 */
public record Delivery(String eventId, String subscription, int attempts, int scheduleOffset, Event event) {

    long bodySize() {
        return event == null ? 0 : event.body().length;
    }

    /** Failed attempts since the last replay, counting the one just made. */
    int failuresInSchedule() {
        return attempts + 1 - scheduleOffset;
    }
}

package io.hookbridge.inbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a delivery stands. Four states are stored ({@code hb_delivery.status}); two are views of a pending one that
 * the filters of the admin API and console know as well: retrying (pending after a failed attempt) and paused
 * (pending on a paused subscription).
 */
public enum DeliveryStatus {
    /** Not finished: waiting for its first attempt, retrying, or paused. */
    PENDING(true),
    DELIVERED(true),
    /** Failed for good (a permanent answer, or the retry schedule ran out); kept for replay. */
    DEAD(true),
    /** The route sent it nowhere: a filter left it out. */
    FILTERED(true),
    RETRYING(false),
    PAUSED(false);

    private final boolean stored;

    DeliveryStatus(boolean stored) {
        this.stored = stored;
    }

    /** As stored and as the API writes it: lower case. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code hb_delivery.status} holds this value (otherwise it is a view of a pending delivery). */
    public boolean isStored() {
        return stored;
    }

    /** The status of that name (null for null); an unknown one is refused, naming those there are. */
    public static DeliveryStatus parse(String value) {
        if (value == null) {
            return null;
        }
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("status must be one of "
                        + Arrays.stream(values()).map(DeliveryStatus::value).collect(Collectors.joining(", "))));
    }
}

package io.hookbridge.inbox;

import java.time.Instant;

/** Epoch milliseconds as operators read them (ISO-8601, UTC). */
final class Times {

    private Times() {
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}

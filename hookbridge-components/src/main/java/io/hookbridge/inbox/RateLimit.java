package io.hookbridge.inbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subscription's {@code rateLimit}: at most N attempts per period ({@code 10}, {@code 10/1s}, {@code 600/1m}),
 * spaced evenly, one every period / N, so no window of one period holds more than N starts of attempts (a worker that
 * wakes up late only makes its attempt later). The slots are handed out by the store: in memory for a store one
 * process owns, on the subscription's row for one that several instances share, so the limit holds for all of them
 * together.
 */
record RateLimit(long intervalMicros) {

    private static final Pattern LIMIT = Pattern.compile("(\\d+)\\s*(?:/\\s*(.+))?");

    static RateLimit parse(String text) {
        Matcher m = LIMIT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("rateLimit: '" + text.trim() + "' is not a rate like 10, 10/1s or "
                    + "600/1m");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException tooLong) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("rateLimit: at least one attempt per period");
        }
        Duration period;
        try {
            period = m.group(2) == null ? Duration.ofSeconds(1) : Durations.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rateLimit: " + e.getMessage(), e);
        }
        long periodMicros = TimeUnit.NANOSECONDS.toMicros(period.toNanos());
        if (periodMicros < 1) {
            throw new IllegalArgumentException("rateLimit: the period must be at least 1 ms");
        }
        return new RateLimit((periodMicros + n - 1) / n); // rounded up: never faster than asked
    }
}

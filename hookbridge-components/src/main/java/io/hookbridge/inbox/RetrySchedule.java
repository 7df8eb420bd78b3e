package io.hookbridge.inbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable retry schedule of a subscription: the delay before each retry after a failed attempt, e.g.
 * {@code 5s,5m,30m,2h}. Pure functions only; the consumer does the I/O.
 */
public record RetrySchedule(List<Duration> delays) {

    public static final String DEFAULT = "5s,5m,30m,2h,5h,10h,10h";

    /** Each delay is moved by up to this fraction either way, so failed deliveries do not retry in lockstep. */
    static final double JITTER = 0.2;

    public RetrySchedule {
        delays = List.copyOf(delays);
    }

    /** Parses a comma-separated list of delays, each a number with a unit: ms, s, m, h or d. */
    public static RetrySchedule parse(String text) {
        List<Duration> delays = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                try {
                    delays.add(Durations.parse(part));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("retrySchedule: " + e.getMessage(), e);
                }
            }
        }
        return new RetrySchedule(delays);
    }

    /**
     * The delay before the next attempt once {@code failedAttempts} attempts have failed, or empty when the schedule
     * is exhausted (the delivery is then dead).
     */
    public Optional<Duration> delayAfter(int failedAttempts) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        return Optional.of(delays.get(failedAttempts - 1));
    }

    /**
     * When to try again after {@code failedAttempts} failures: the receiver's Retry-After if it gave one (up to
     * {@code maxRetryAfter}: a receiver can slow us down, not stall the subscription), else the scheduled delay with
     * jitter; empty when the schedule is exhausted. A Retry-After spends a step of the schedule like any failure.
     */
    public Optional<Duration> nextDelay(int failedAttempts, Duration retryAfter, Duration maxRetryAfter,
            double random) {
        return delayAfter(failedAttempts).map(d -> retryAfter == null ? jitter(d, random)
                : retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter);
    }

    /** Moves {@code delay} by up to ±20%; {@code random} is uniform in [0, 1). */
    public static Duration jitter(Duration delay, double random) {
        double factor = 1 - JITTER + 2 * JITTER * random;
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }

    @Override
    public String toString() {
        return delays.toString();
    }
}

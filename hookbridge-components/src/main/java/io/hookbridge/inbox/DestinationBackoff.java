package io.hookbridge.inbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A subscription's hold on a destination that keeps failing. After {@code after} failed attempts in a row its workers
 * stop taking deliveries for a while (1 s, doubling up to {@code max}); when the hold ends one worker tries the next
 * delivery: if that fails the hold doubles, if the destination answers everyone goes on. Deliveries wait, in memory or
 * in the store, and spend no retry meanwhile: a destination that refuses or errors fast costs a try per hold, not an
 * attempt per event, and leaves the machine to the other destinations.
 */
final class DestinationBackoff {

    private static final long FIRST_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LONGEST_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int after;
    private final long maxNanos;
    private int failuresInARow;
    private long holdNanos;
    /** System.nanoTime() when the hold ends; 0: not holding. */
    private long holdUntil;
    private boolean probing;

    /** {@code after}: failed attempts in a row before holding, 0 never; {@code max}: the longest hold. */
    DestinationBackoff(int after, Duration max) {
        this.after = after;
        this.maxNanos = max.toNanos();
    }

    /**
     * Waits while the subscription holds its deliveries. Returns true when the caller is to make the try that ends
     * the hold (it must then report its attempt with {@code probe} true), false to go on as usual.
     */
    boolean awaitTurn(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            long wait;
            synchronized (this) {
                if (holdUntil == 0) {
                    return false;
                }
                wait = holdUntil - System.nanoTime();
                if (wait <= 0 && !probing) {
                    probing = true;
                    return true;
                }
            }
            LockSupport.parkNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(wait, LONGEST_PARK_NANOS)));
        }
        return false;
    }

    /** What an attempt's verdict means for the hold: the new hold when it starts or grows, else null. */
    synchronized Duration attempted(Verdict verdict, boolean probe) {
        if (after == 0 || verdict == Verdict.FILTERED) {
            probing &= !probe;
            return null;
        }
        if (verdict != Verdict.RETRY) { // the destination took it, or answered for good: it is there
            failuresInARow = 0;
            holdNanos = 0;
            holdUntil = 0;
            probing = false;
            return null;
        }
        failuresInARow++;
        if (probe || (holdUntil == 0 && failuresInARow >= after)) {
            holdNanos = holdNanos == 0 ? Math.min(FIRST_HOLD_NANOS, maxNanos) : Math.min(2 * holdNanos, maxNanos);
            holdUntil = System.nanoTime() + holdNanos;
            probing = false;
            return Duration.ofNanos(holdNanos);
        }
        return null;
    }

    synchronized boolean isHolding() {
        return holdUntil != 0;
    }

    synchronized int failuresInARow() {
        return failuresInARow;
    }
}

package io.hookbridge.inbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * This instance's last hour, minute by minute, kept in memory for the console's overview: events accepted, attempts
 * delivered and failed, the backlog; and per subscription its attempts, deliveries and time per attempt. Counting costs
 * a few atomic increments; nothing is read from the store. It starts empty at each start and covers this instance
 * only (several instances on PostgreSQL each show their own).
 */
public final class RecentActivity {

    static final int MINUTES = 60;
    private static final long MINUTE = 60_000;

    /** One minute's counts; {@code minute} says which minute the slot holds now (slots are reused an hour later). */
    private static final class Slot {
        final AtomicLong minute = new AtomicLong(-1);
        final AtomicLongArray counts = new AtomicLongArray(Count.values().length);
    }

    private enum Count { RECEIVED, DELIVERED, FAILED, BACKLOG }

    /** A subscription's attempts in the last hour, per minute (the same ring of slots). */
    private static final class Subscription {
        final long[] minute = new long[MINUTES];
        final long[] attempts = new long[MINUTES];
        final long[] delivered = new long[MINUTES];
        final long[] millis = new long[MINUTES];
    }

    private final Slot[] slots = new Slot[MINUTES];
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    RecentActivity(LongSupplier clock) {
        this.clock = clock;
        for (int i = 0; i < MINUTES; i++) {
            slots[i] = new Slot();
        }
    }

    private Slot slot(long minute) {
        Slot s = slots[(int) (minute % MINUTES)];
        long held = s.minute.get();
        if (held != minute && s.minute.compareAndSet(held, minute)) {
            for (int i = 0; i < s.counts.length(); i++) {
                s.counts.set(i, 0);
            }
        }
        return s;
    }

    void received() {
        slot(clock.getAsLong() / MINUTE).counts.incrementAndGet(Count.RECEIVED.ordinal());
    }

    void attempt(String subscription, Verdict verdict, long durationMs) {
        long minute = clock.getAsLong() / MINUTE;
        if (verdict == Verdict.DELIVERED) {
            slot(minute).counts.incrementAndGet(Count.DELIVERED.ordinal());
        } else if (verdict == Verdict.RETRY || verdict == Verdict.DEAD) {
            slot(minute).counts.incrementAndGet(Count.FAILED.ordinal());
        } else {
            return; // filtered or paused: no attempt at the destination
        }
        Subscription s = subscriptions.computeIfAbsent(subscription, k -> new Subscription());
        int i = (int) (minute % MINUTES);
        synchronized (s) {
            if (s.minute[i] != minute) {
                s.minute[i] = minute;
                s.attempts[i] = 0;
                s.delivered[i] = 0;
                s.millis[i] = 0;
            }
            s.attempts[i]++;
            s.delivered[i] += verdict == Verdict.DELIVERED ? 1 : 0;
            s.millis[i] += durationMs;
        }
    }

    /** The total backlog seen now; a minute keeps the largest. */
    void backlog(long pending) {
        AtomicLongArray counts = slot(clock.getAsLong() / MINUTE).counts;
        counts.accumulateAndGet(Count.BACKLOG.ordinal(), pending, Math::max);
    }

    /** The last hour, oldest minute first, and each subscription's figures over it. */
    public Map<String, Object> snapshot() {
        long now = clock.getAsLong() / MINUTE;
        List<Map<String, Object>> minutes = new ArrayList<>();
        for (long m = now - MINUTES + 1; m <= now; m++) {
            Slot s = slots[(int) (m % MINUTES)];
            boolean held = s.minute.get() == m;
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("at", Times.iso(m * MINUTE));
            for (Count c : Count.values()) {
                point.put(c.name().toLowerCase(), held ? s.counts.get(c.ordinal()) : 0L);
            }
            minutes.add(point);
        }
        Map<String, Object> perSubscription = new TreeMap<>();
        subscriptions.forEach((id, s) -> {
            long attempts = 0;
            long delivered = 0;
            long millis = 0;
            synchronized (s) {
                for (int i = 0; i < MINUTES; i++) {
                    if (s.minute[i] > now - MINUTES) {
                        attempts += s.attempts[i];
                        delivered += s.delivered[i];
                        millis += s.millis[i];
                    }
                }
            }
            if (attempts > 0) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("attempts", attempts);
                f.put("delivered", delivered);
                f.put("successRate", (double) delivered / attempts);
                f.put("meanAttemptMs", millis / attempts);
                perSubscription.put(id, f);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("minutes", minutes);
        out.put("subscriptions", perSubscription);
        return out;
    }
}

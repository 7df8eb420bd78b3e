package io.hookbridge.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Figures over the start times (epoch ms) of delivery attempts. */
public final class Attempts {

    private Attempts() {
    }

    /** The most attempts that started within any window of {@code windowMs}. */
    public static int mostInAnyWindow(Collection<Long> starts, long windowMs) {
        List<Long> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        int most = 0;
        for (int first = 0, last = 0; last < sorted.size(); last++) {
            while (sorted.get(last) - sorted.get(first) >= windowMs) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }
}

package io.hookbridge.inbox;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    @Test
    void idsAreUniqueAndSortByTime() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(EventIds.next(1_700_000_000_000L))).isTrue();
        }
        String earlier = EventIds.next(1_700_000_000_000L);
        String later = EventIds.next(1_700_000_000_001L);
        assertThat(earlier).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(earlier.substring(0, 14)).isLessThan(later.substring(0, 14));
    }
}

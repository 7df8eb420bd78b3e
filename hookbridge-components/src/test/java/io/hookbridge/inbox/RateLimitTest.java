package io.hookbridge.inbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {

    @Test
    void aRateIsAnIntervalBetweenAttemptsRoundedUp() {
        assertThat(RateLimit.parse("10").intervalMicros()).isEqualTo(100_000);
        assertThat(RateLimit.parse("10/1s").intervalMicros()).isEqualTo(100_000);
        assertThat(RateLimit.parse("600/1m").intervalMicros()).isEqualTo(100_000);
        assertThat(RateLimit.parse(" 3 / 1s ").intervalMicros()).isEqualTo(333_334);
        assertThat(RateLimit.parse("5000/1ms").intervalMicros()).isEqualTo(1);
    }

    @Test
    void aRateThatIsNoneIsRefusedSayingWhy() {
        assertThatThrownBy(() -> RateLimit.parse("0")).hasMessage("rateLimit: at least one attempt per period");
        assertThatThrownBy(() -> RateLimit.parse("ten")).hasMessage("rateLimit: 'ten' is not a rate like 10, 10/1s or 600/1m");
        assertThatThrownBy(() -> RateLimit.parse("10/second")).hasMessageStartingWith("rateLimit: 'second' is not a duration");
    }
}

package io.hookbridge.inbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryScheduleTest {

    @Test
    void parsesEveryUnit() {
        assertThat(RetrySchedule.parse("250ms, 5s,5m,2h,1d").delays()).containsExactly(Duration.ofMillis(250),
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofDays(1));
    }

    @Test
    void refusesWhatIsNotADelay() {
        assertThatThrownBy(() -> RetrySchedule.parse("5s,soon")).hasMessageContaining("'soon'");
        assertThatThrownBy(() -> RetrySchedule.parse("5 seconds")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultSpansAboutADay() {
        RetrySchedule s = RetrySchedule.parse(RetrySchedule.DEFAULT);
        assertThat(s.delays()).hasSize(7);
        assertThat(s.delays().stream().mapToLong(Duration::toMinutes).sum()).isEqualTo(5 + 30 + 120 + 300 + 600 + 600);
    }

    @Test
    void eachFailureTakesTheNextDelayUntilTheScheduleRunsOut() {
        RetrySchedule s = RetrySchedule.parse("5s,5m");
        assertThat(s.delayAfter(1)).contains(Duration.ofSeconds(5));
        assertThat(s.delayAfter(2)).contains(Duration.ofMinutes(5));
        assertThat(s.delayAfter(3)).isEmpty();
        assertThat(s.delayAfter(0)).isEmpty();
        assertThat(RetrySchedule.parse("").delayAfter(1)).isEmpty();
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        Duration d = Duration.ofSeconds(100);
        assertThat(RetrySchedule.jitter(d, 0.0)).isEqualTo(Duration.ofSeconds(80));
        assertThat(RetrySchedule.jitter(d, 0.5)).isEqualTo(Duration.ofSeconds(100));
        assertThat(RetrySchedule.jitter(d, 0.999999)).isBetween(Duration.ofMillis(119_999), Duration.ofSeconds(120));
    }

    @Test
    void retryAfterIsHonouredAsSentUpToItsMaximumAndSpendsAStep() {
        RetrySchedule s = RetrySchedule.parse("10s");
        Duration max = Duration.ofHours(1);
        assertThat(s.nextDelay(1, null, max, 0.0)).contains(Duration.ofSeconds(8));
        assertThat(s.nextDelay(1, Duration.ofSeconds(1), max, 0.5)).contains(Duration.ofSeconds(1));
        assertThat(s.nextDelay(1, Duration.ZERO, max, 0.5)).contains(Duration.ZERO);
        assertThat(s.nextDelay(1, Duration.ofMinutes(50), max, 0.5)).contains(Duration.ofMinutes(50));
        assertThat(s.nextDelay(1, Duration.ofHours(3), max, 0.5)).contains(max);
        assertThat(s.nextDelay(2, Duration.ofSeconds(15), max, 0.5)).as("the schedule is spent").isEmpty();
    }
}

package io.hookbridge.inbox;

import java.time.Duration;
import java.time.Instant;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a destination puts in Retry-After, the next attempt comes within maxRetryAfter (here 1 h), never before
 * now, and nothing throws. Corpus: src/test/resources/io/hookbridge/inbox/
 * RetryAfterFuzzTestInputs; {@code JAZZER_FUZZ=1 mvn test -Dtest=RetryAfterFuzzTest} fuzzes.
 */
class RetryAfterFuzzTest {

    static final RetrySchedule SCHEDULE = RetrySchedule.parse("5s");

    @FuzzTest(maxDuration = "30s")
    void retryAfterValues(String header) {
        Duration retryAfter = RetryAfter.parse(header, Instant.parse("2026-11-29T12:00:00Z"));
        assertThat(retryAfter == null || !retryAfter.isNegative()).isTrue();
        Duration next = SCHEDULE.nextDelay(1, retryAfter, Duration.ofHours(1), 0.5).orElseThrow();
        assertThat(next).isBetween(Duration.ZERO, Duration.ofHours(1));
    }
}

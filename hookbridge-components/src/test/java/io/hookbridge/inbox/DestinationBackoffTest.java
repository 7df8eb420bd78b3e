package io.hookbridge.inbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a subscription holds its deliveries for a failing destination, for how long, and when it lets go. */
class DestinationBackoffTest {

    @Test
    void holdsAfterThatManyFailuresInARowAndDoublesUpToTheMaximumWhileTheTriesFail() {
        DestinationBackoff backoff = new DestinationBackoff(3, Duration.ofSeconds(3));
        assertThat(backoff.attempted(Verdict.RETRY, false)).isNull();
        assertThat(backoff.attempted(Verdict.RETRY, false)).isNull();
        assertThat(backoff.attempted(Verdict.RETRY, false)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.isHolding()).isTrue();
        // attempts already under way that fail too do not stretch the hold; failed tries after a hold do
        assertThat(backoff.attempted(Verdict.RETRY, false)).isNull();
        assertThat(backoff.attempted(Verdict.RETRY, true)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.attempted(Verdict.RETRY, true)).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.attempted(Verdict.RETRY, true)).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.failuresInARow()).isEqualTo(7);
    }

    @Test
    void anAnswerEndsTheHoldAndTheCount() {
        for (Verdict answered : new Verdict[] { Verdict.DELIVERED, Verdict.DEAD, Verdict.PAUSE }) {
            DestinationBackoff backoff = new DestinationBackoff(2, Duration.ofSeconds(30));
            backoff.attempted(Verdict.RETRY, false);
            backoff.attempted(Verdict.RETRY, false);
            assertThat(backoff.isHolding()).isTrue();
            assertThat(backoff.attempted(answered, true)).isNull();
            assertThat(backoff.isHolding()).as(answered.name()).isFalse();
            assertThat(backoff.failuresInARow()).isZero();
            assertThat(backoff.awaitTurn(() -> true)).isFalse();
        }
    }

    @Test
    void zeroNeverHoldsAndAFilteredEventSaysNothingAboutTheDestination() {
        DestinationBackoff never = new DestinationBackoff(0, Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            assertThat(never.attempted(Verdict.RETRY, false)).isNull();
        }
        assertThat(never.isHolding()).isFalse();

        DestinationBackoff backoff = new DestinationBackoff(2, Duration.ofSeconds(30));
        backoff.attempted(Verdict.RETRY, false);
        backoff.attempted(Verdict.FILTERED, false);
        assertThat(backoff.attempted(Verdict.RETRY, false)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void whenTheHoldEndsOneWorkerTriesWhileTheOthersWaitForItsOutcome() throws Exception {
        DestinationBackoff backoff = new DestinationBackoff(1, Duration.ofMillis(200));
        backoff.attempted(Verdict.RETRY, false); // holds 200 ms
        long started = System.nanoTime();
        assertThat(backoff.awaitTurn(() -> true)).as("the first to come after the hold tries").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));

        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> backoff.awaitTurn(() -> true));
        Thread.sleep(100);
        assertThat(other).as("waits for the try's outcome").isNotDone();
        backoff.attempted(Verdict.DELIVERED, true);
        assertThat(other.get(1, TimeUnit.SECONDS)).isFalse();
    }
}

package io.hookbridge.inbox;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptResultTest {

    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @ParameterizedTest
    @CsvSource({ "200,DELIVERED", "204,DELIVERED", "301,RETRY", "302,RETRY", "400,DEAD", "401,DEAD", "404,DEAD",
            "408,RETRY", "410,PAUSE", "413,DEAD", "422,DEAD", "429,RETRY", "500,RETRY", "502,RETRY", "503,RETRY",
            "504,RETRY" })
    void classifiesHttpStatuses(int status, Verdict verdict) {
        assertThat(Verdict.ofHttpStatus(status)).isEqualTo(verdict);
    }

    @Test
    void successHasNoError() {
        assertThat(AttemptResult.delivered(204)).isEqualTo(new AttemptResult(Verdict.DELIVERED, 204, null, null, null));
    }

    @Test
    void readsStatusRetryAfterAndBodyFromAnHttpFailureEvenWhenWrapped() {
        var http = new HttpOperationFailedException("http://x", 429, "Too Many Requests", null,
                Map.of("retry-after", "30"), "{\"error\":\"slow down\"}");
        AttemptResult r = AttemptResult.failed(new RuntimeCamelException(http), NOW);
        assertThat(r.verdict()).isEqualTo(Verdict.RETRY);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.error()).isEqualTo("HTTP 429 Too Many Requests");
        assertThat(r.response()).isEqualTo("{\"error\":\"slow down\"}");
    }

    @Test
    void aPermanentDeliveryExceptionIsDead() {
        AttemptResult r = AttemptResult.failed(new PermanentDeliveryException("chat not found"), NOW);
        assertThat(r.verdict()).isEqualTo(Verdict.DEAD);
        assertThat(r.error()).isEqualTo("chat not found");
    }

    @Test
    void anyOtherFailureIsRetriedAndNamedByItsRootCause() {
        AttemptResult r = AttemptResult.failed(new IOException("wrapped", new ConnectException("Connection refused")), NOW);
        assertThat(r.verdict()).isEqualTo(Verdict.RETRY);
        assertThat(r.error()).isEqualTo("ConnectException: Connection refused");
    }

    @Test
    void keepsOnlyTheStartOfLongAnswers() {
        var http = new HttpOperationFailedException("http://x", 500, "Error", null, Map.of(), "x".repeat(5000));
        assertThat(AttemptResult.failed(http, NOW).response()).hasSize(AttemptResult.SNIPPET + 1);
    }
}

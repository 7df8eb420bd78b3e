package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.testing.Signatures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of what reads provider input before anything is trusted: signature headers, timestamps,
 * signed-content templates, JSON bodies. Whatever arrives, the answer is a WebhookRejection (a 4xx) or acceptance -
 * and acceptance only for a truly valid signature. Every build replays the corpus in
 * src/test/resources/io/hookbridge/source/VerifierFuzzTestInputs; {@code JAZZER_FUZZ=1 mvn test -Dtest=VerifierFuzzTest}
 * fuzzes.
 */
class VerifierFuzzTest {

    static final String SECRET = "fuzz-secret";
    static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final long NOW = 1_767_000_000L;

    @FuzzTest(maxDuration = "30s")
    void githubSignatures(FuzzedDataProvider data) {
        // half the time a well-formed header with a fuzzed digest, to reach the comparison itself
        String signature = data.consumeBoolean() ? "sha256=" + HexFormat.of().formatHex(data.consumeBytes(32))
                : data.consumeString(200);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            HmacVerifierTest.github(SECRET).verify(body, Map.of("X-Hub-Signature-256", signature)::get, NOW);
            // accepted: the header must hold the true signature of exactly these bytes
            assertThat(signature.toLowerCase()).contains(Signatures.github(SECRET, body).substring(7));
        } catch (WebhookRejection refused) {
            assertThat(refused.getStatus()).isEqualTo(401);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void standardWebhooksHeaders(FuzzedDataProvider data) {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", data.consumeString(60));
        headers.put("webhook-timestamp", data.pickValue(new String[] { Long.toString(NOW), data.consumeString(25) }));
        headers.put("webhook-signature", data.consumeBoolean()
                ? "v1," + Base64.getEncoder().encodeToString(data.consumeBytes(32)) : data.consumeString(300));
        byte[] body = data.consumeRemainingAsBytes();
        try {
            HmacVerifierTest.standardWebhooks(WHSEC).verify(body, headers::get, NOW);
            Map<String, String> valid = Signatures.standardHeaders(WHSEC, headers.get("webhook-id"),
                    Long.parseLong(headers.get("webhook-timestamp").trim()), body);
            assertThat(headers.get("webhook-signature")).contains(valid.get("webhook-signature").substring(3));
        } catch (WebhookRejection refused) {
            assertThat(refused.getStatus()).isEqualTo(401);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void jsonBodies(byte[] body) throws Exception {
        try {
            WellFormedJson.check(body);
            // accepted: a JSON parser reads it as one value
            new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8));
        } catch (WebhookRejection refused) {
            assertThat(refused.getStatus()).isEqualTo(400);
        }
    }
}

package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacVerifierTest {

    static HmacVerifier github(String secret) {
        HmacVerifier v = new HmacVerifier();
        v.setSecret(secret);
        v.setSignatureHeader("X-Hub-Signature-256");
        v.setSignaturePattern("sha256=([0-9a-fA-F]{64})");
        return v;
    }

    static HmacVerifier standardWebhooks(String secret) {
        HmacVerifier v = new HmacVerifier();
        v.setSecret(secret);
        v.setSecretEncoding("whsec");
        v.setSignatureHeader("webhook-signature");
        v.setSignaturePattern("v1,([A-Za-z0-9+/=]+)");
        v.setEncoding("base64");
        v.setSignedContent("{header:webhook-id}.{header:webhook-timestamp}.{body}");
        v.setTimestampHeader("webhook-timestamp");
        return v;
    }

    static void verify(HmacVerifier v, String body, Map<String, String> headers, long now) throws WebhookRejection {
        v.verify(body.getBytes(StandardCharsets.UTF_8), headers::get, now);
    }

    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!"
    static final String GITHUB_DOC_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void acceptsGithubsDocumentedExample() {
        assertThatCode(() -> verify(github("It's a Secret to Everybody"), "Hello, World!",
                Map.of("X-Hub-Signature-256", GITHUB_DOC_SIGNATURE), 0)).doesNotThrowAnyException();
    }

    @Test
    void refusesATamperedBodyAWrongSecretAndMissingOrGarbledHeaders() {
        assertThatThrownBy(() -> verify(github("It's a Secret to Everybody"), "Hello, World?",
                Map.of("X-Hub-Signature-256", GITHUB_DOC_SIGNATURE), 0)).hasMessage("invalid signature");
        assertThatThrownBy(() -> verify(github("another secret"), "Hello, World!",
                Map.of("X-Hub-Signature-256", GITHUB_DOC_SIGNATURE), 0)).hasMessage("invalid signature");
        assertThatThrownBy(() -> verify(github("s"), "x", Map.of(), 0))
                .hasMessage("missing X-Hub-Signature-256 header")
                .satisfies(e -> assertThat(((WebhookRejection) e).getStatus()).isEqualTo(401));
        assertThatThrownBy(() -> verify(github("s"), "x", Map.of("X-Hub-Signature-256", "sha1=abc"), 0))
                .hasMessage("malformed X-Hub-Signature-256 header");
    }

    @Test
    void acceptsEverySecretOfARotationList() throws Exception {
        String body = "{\"a\":1}";
        String sig = Signatures.github("new", body.getBytes(StandardCharsets.UTF_8));
        verify(github("old,new"), body, Map.of("X-Hub-Signature-256", sig), 0);
        verify(github("new"), body, Map.of("X-Hub-Signature-256", sig), 0);
        String commaSig = Signatures.github("a,b", body.getBytes(StandardCharsets.UTF_8));
        verify(github("a,b"), body, Map.of("X-Hub-Signature-256", commaSig), 0);
    }

    // The Standard Webhooks specification's test vector.
    static final Map<String, String> SW_HEADERS = Map.of(
            "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp", "1614265330",
            "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SW_BODY = "{\"test\": 2432232314}";

    @Test
    void acceptsTheStandardWebhooksVectorAmongSeveralSignatures() throws Exception {
        verify(standardWebhooks(SW_SECRET), SW_BODY, SW_HEADERS, 1614265330);
        Map<String, String> several = new HashMap<>(SW_HEADERS);
        several.put("webhook-signature", "v1,Zm9v v1a,bm90 " + SW_HEADERS.get("webhook-signature"));
        verify(standardWebhooks(SW_SECRET), SW_BODY, several, 1614265330);
    }

    @Test
    void refusesAStaleOrFutureTimestampAndASignatureForAnotherId() {
        assertThatThrownBy(() -> verify(standardWebhooks(SW_SECRET), SW_BODY, SW_HEADERS, 1614265330 + 301))
                .hasMessage("timestamp outside the 300 s tolerance");
        assertThatThrownBy(() -> verify(standardWebhooks(SW_SECRET), SW_BODY, SW_HEADERS, 1614265330 - 301))
                .hasMessage("timestamp outside the 300 s tolerance");
        Map<String, String> otherId = new HashMap<>(SW_HEADERS);
        otherId.put("webhook-id", "msg_other");
        assertThatThrownBy(() -> verify(standardWebhooks(SW_SECRET), SW_BODY, otherId, 1614265330))
                .hasMessage("invalid signature");
    }

    @Test
    void acceptsSlacksDocumentedExample() throws Exception {
        HmacVerifier v = new HmacVerifier();
        v.setSecret("8f742231b10e8888abcd99yyyzzz85a5");
        v.setSignatureHeader("X-Slack-Signature");
        v.setSignaturePattern("v0=([0-9a-fA-F]{64})");
        v.setTimestampHeader("X-Slack-Request-Timestamp");
        v.setSignedContent("v0:{timestamp}:{body}");
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        verify(v, body, Map.of("X-Slack-Request-Timestamp", "1531420618",
                "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"), 1531420618);
    }

    @Test
    void findsStripesTimestampInsideItsSignatureHeader() throws Exception {
        HmacVerifier v = new HmacVerifier();
        v.setSecret("whsec_test");
        v.setSignatureHeader("Stripe-Signature");
        v.setSignaturePattern("v1=([0-9a-fA-F]{64})");
        v.setTimestampHeader("Stripe-Signature");
        v.setTimestampPattern("t=(\\d+)");
        v.setSignedContent("{timestamp}.{body}");
        String body = "{\"id\":\"evt_1\"}";
        String sig = HexFormat.of().formatHex(Signatures.hmacSha256("whsec_test".getBytes(StandardCharsets.UTF_8),
                ("1700000000." + body).getBytes(StandardCharsets.UTF_8)));

        verify(v, body, Map.of("Stripe-Signature", "t=1700000000,v1=" + "0".repeat(64) + ",v1=" + sig + ",v0=abc"),
                1700000100);
        assertThatThrownBy(() -> verify(v, body, Map.of("Stripe-Signature", "t=1700000000,v1=" + sig), 1700000400))
                .hasMessage("timestamp outside the 300 s tolerance");
        assertThatThrownBy(() -> verify(v, body, Map.of("Stripe-Signature", "v1=" + sig), 1700000000))
                .hasMessage("malformed timestamp in Stripe-Signature header");
    }

    @Test
    void readsSignatureAndTimestampFromTheJsonBodyAndMillisecondTimestamps() throws Exception {
        // Mailgun's scheme: the signature of timestamp + token, all three inside the payload
        HmacVerifier v = new HmacVerifier();
        v.setSecret("key-1");
        v.setSignatureJsonPath("$.signature.signature");
        v.setTimestampJsonPath("$.signature.timestamp");
        v.setSignedContent("{timestamp}{json:$.signature.token}");
        String sig = HexFormat.of().formatHex(Signatures.hmacSha256("key-1".getBytes(StandardCharsets.UTF_8),
                "1700000000tok3n".getBytes(StandardCharsets.UTF_8)));
        String body = "{\"signature\":{\"timestamp\":\"1700000000\",\"token\":\"tok3n\",\"signature\":\"%s\"}}";

        verify(v, body.formatted(sig), Map.of(), 1700000010);
        assertThatThrownBy(() -> verify(v, body.formatted(sig).replace("tok3n", "tok3m"), Map.of(), 1700000010))
                .hasMessage("invalid signature");
        assertThatThrownBy(() -> verify(v, "{\"signature\":{}}", Map.of(), 1700000010))
                .hasMessage("missing $.signature.signature in the body");
        assertThatThrownBy(() -> verify(v, body.formatted(sig), Map.of(), 1700000400))
                .hasMessage("timestamp outside the 300 s tolerance");

        // HubSpot's: milliseconds, signed as sent
        HmacVerifier ms = new HmacVerifier();
        ms.setSecret("key-1");
        ms.setSignatureHeader("X-Sig");
        ms.setTimestampHeader("X-Time");
        ms.setTimestampUnit("milliseconds");
        ms.setSignedContent("{body}{timestamp}");
        String msSig = HexFormat.of().formatHex(Signatures.hmacSha256("key-1".getBytes(StandardCharsets.UTF_8),
                "{}1700000000123".getBytes(StandardCharsets.UTF_8)));
        verify(ms, "{}", Map.of("X-Sig", msSig, "X-Time", "1700000000123"), 1700000200);
        assertThatThrownBy(() -> verify(ms, "{}", Map.of("X-Sig", msSig, "X-Time", "1700000000123"), 1700000301))
                .hasMessage("timestamp outside the 300 s tolerance");
        assertThatThrownBy(() -> ms.setTimestampUnit("hours")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        HmacVerifier v = new HmacVerifier();
        assertThatThrownBy(() -> v.setAlgorithm("HmacNope")).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> v.setEncoding("base32")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v.setSecretEncoding("rot13")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v.setSecret(" ")).hasMessage("the secret must not be empty");
    }
}

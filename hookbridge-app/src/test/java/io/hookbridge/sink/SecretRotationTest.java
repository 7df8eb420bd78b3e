package io.hookbridge.sink;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Outbound secret rotation: webhook-sink with the new and the old secret signs each request with both, and a receiver
 * that knows either one accepts it. The receivers here are our own standard-webhook-source, over real HTTP.
 */
class SecretRotationTest {

    static final String OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEW = "whsec_" + Base64.getEncoder().encodeToString(
            "a brand new signing key, 32 b.".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @Test
    void aRequestSignedWithTheNewAndTheOldSecretIsAcceptedByAReceiverThatKnowsEither() throws Exception {
        int port = Gateway.freePort();
        String self = "http://127.0.0.1:" + port;
        try (Receiver tap = new Receiver()) {
            String routes = RouteFiles.write(dir.resolve("r.yaml"),
                    RouteFiles.githubIn("/hooks/github", "s", "github"),
                    // the sender, rotating: newest first
                    RouteFiles.webhookOut("to-old", "github", self + "/partner/old", NEW + "," + OLD),
                    RouteFiles.webhookOut("to-new", "github", self + "/partner/new", NEW + ", " + OLD),
                    RouteFiles.webhookOut("to-tap", "github", tap.url("/tap"), NEW + "," + OLD),
                    // two receivers: one not yet switched, one switched
                    RouteFiles.sourceIn("partner-old", "standard-webhook-source", "/partner/old", OLD, "partner-old"),
                    RouteFiles.sourceIn("partner-new", "standard-webhook-source", "/partner/new", NEW, "partner-new"));
            try (Gateway gateway = Gateway.start(dir.resolve("data"), routes,
                    Map.of("hookbridge.egress.allow", "127.0.0.1/32"), port)) {
                byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> pushed = gateway.post("/hooks/github", body,
                        Signatures.githubHeaders("s", "push", UUID.randomUUID().toString(), body));
                assertThat(pushed.statusCode()).isEqualTo(202);

                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.inbox().getStore().countEvents("partner-old") == 1
                        && gateway.inbox().getStore().countEvents("partner-new") == 1 && tap.requests().size() == 1);
                Receiver.Request sent = tap.requests().get(0);
                String signed = sent.header("webhook-id") + "." + sent.header("webhook-timestamp") + "." + sent.bodyText();
                assertThat(sent.header("webhook-signature")).isEqualTo("v1," + signature(NEW, signed) + " v1,"
                        + signature(OLD, signed));
            }
        }
    }

    @Test
    void aListMixingAWhsecSecretWithAnotherKindIsRefusedWithoutQuotingEither() {
        assertThatThrownBy(() -> WebhookRequest.signingKeys(NEW + ",plain-text-secret"))
                .hasMessage("webhook-sink's secret 2 of the list: not a whsec_ secret (a list of secrets, while "
                        + "rotating, holds whsec_ secrets only)");
        assertThatThrownBy(() -> WebhookRequest.signingKeys(NEW + ",whsec_not*base64"))
                .hasMessageStartingWith("webhook-sink's secret 2 of the list: a whsec_ secret is base64")
                .hasMessageNotContaining("not*base64");
        // a text secret is used whole, commas and all
        assertThat(WebhookRequest.signingKeys("one,two")).singleElement()
                .isEqualTo("one,two".getBytes(StandardCharsets.UTF_8));
    }

    static String signature(String whsec, String signed) {
        return Signatures.base64(Signatures.hmacSha256(Base64.getDecoder().decode(whsec.substring(6)),
                signed.getBytes(StandardCharsets.UTF_8)));
    }
}

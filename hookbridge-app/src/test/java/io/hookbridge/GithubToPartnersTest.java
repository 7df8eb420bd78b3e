package io.hookbridge;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.Signatures;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example route file routes/github-to-partners.yaml, as shipped, with the partners played by local receivers. */
class GithubToPartnersTest {

    static final String SECRET = "It's a Secret to Everybody";

    @TempDir
    Path dir;
    Receiver partnerA;
    Receiver partnerB;
    Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        partnerA = new Receiver();
        partnerB = new Receiver();
        gateway = Gateway.start(dir, "file:routes/github-to-partners.yaml", Map.of(
                "github.secret", SECRET,
                "partner-a.url", partnerA.url("/hooks"),
                "partner-a.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "partner-b.url", partnerB.url("/hooks")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) { // null when the PostgreSQL pass is skipped (no server)
            gateway.close();
        }
        partnerA.close();
        partnerB.close();
    }

    HttpResponse<String> push(String deliveryId, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return gateway.post("/webhooks/github", bytes, Signatures.githubHeaders(SECRET, "push", deliveryId, bytes));
    }

    @Test
    void signedWebhookReachesBothPartnersEvenWhenOneFailsTwice() throws Exception {
        partnerA.answer(503, 503);
        HttpResponse<String> response = push(UUID.randomUUID().toString(), "{\"ref\":\"refs/heads/main\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).matches("\\{\"id\":\"evt_[0-9A-Z]{26}\"}");
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("hub"));

        await().atMost(Duration.ofSeconds(10)).until(() -> partnerA.requests().size() == 3
                && partnerB.requests().size() == 1);
        Receiver.Request a = partnerA.requests().get(2);
        assertThat(a.bodyText()).isEqualTo("{\"ref\":\"refs/heads/main\"}");
        // what a Standard Webhooks receiver checks: v1,base64(HMAC-SHA256(key, id.timestamp.body))
        String signed = a.header("webhook-id") + "." + a.header("webhook-timestamp") + "." + a.bodyText();
        byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(a.header("webhook-signature")).isEqualTo("v1," + Base64.getEncoder().encodeToString(
                Signatures.hmacSha256(key, signed.getBytes(StandardCharsets.UTF_8))));
        assertThat(Long.parseLong(a.header("webhook-timestamp"))).isCloseTo(System.currentTimeMillis() / 1000,
                Offset.offset(30L));
        assertThat(a.headers()).doesNotContainKeys("x-github-event", "x-github-delivery", "x-hub-signature-256");
        // the route's in-memory redeliveries re-ran the whole sink inside one durable attempt
        String id = Http.eventId(response);
        await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(
                gateway.inbox().getStore().delivery(id, "to-partner-a").status()));
        assertThat(gateway.inbox().getStore().delivery(id, "to-partner-a").attempts()).isEqualTo(1);
        assertThat(a.header("webhook-id")).isEqualTo(partnerB.requests().get(0).header("webhook-id"))
                .isEqualTo(Http.eventId(response));
        assertThat(partnerB.requests().get(0).header("webhook-signature")).isNull();
    }
}

package io.hookbridge.source;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shipped source Kamelets over real HTTP: what they let in, what they refuse, and what they answer. */
class WebhookSourcesTest {

    static final String GITHUB_SECRET = "gh+secret&x=1 %41(";
    static final String SHOP_SECRET = "sh+op&x=%2B)y";
    static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    static Path dir;
    static Receiver receiver;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        Path routes = dir.resolve("sources.yaml");
        Files.writeString(routes, """
                - route:
                    id: github-in
                    from:
                      uri: kamelet:github-webhook-source
                      parameters:
                        path: /hooks/github
                        secret: "%s"
                        maxBodySize: 2000
                      steps:
                        - to:
                            uri: inbox:github
                - route:
                    id: sw-in
                    from:
                      uri: kamelet:standard-webhook-source
                      parameters:
                        path: /hooks/acme
                        secret: "whsec_b2xkIHNlY3JldA==,%s"
                      steps:
                        - to:
                            uri: inbox:acme
                - route:
                    id: shop-in
                    from:
                      uri: kamelet:hmac-webhook-source
                      parameters:
                        path: /hooks/shop
                        secret: "{{shop.secret}}"
                        signatureHeader: X-Shopify-Hmac-Sha256
                        encoding: base64
                        source: shop
                      steps:
                        - to:
                            uri: inbox:shop
                - route:
                    id: slow-in
                    from:
                      uri: webhook-receiver:/hooks/slow?bodyTimeout=300
                      steps:
                        - to:
                            uri: inbox:slow
                - route:
                    id: github-out
                    from:
                      uri: inbox:github?pollInterval=50
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "%s"
                - route:
                    id: acme-out
                    from:
                      uri: inbox:acme?pollInterval=50
                      steps:
                        - to:
                            uri: kamelet:webhook-sink
                            parameters:
                              url: "%s"
                """.formatted(GITHUB_SECRET, SW_SECRET, receiver.url("/github"), receiver.url("/acme")));
        // secrets with characters URIs treat specially, inline and from a placeholder: they must arrive as written
        gateway = Gateway.start(dir.resolve("data"), "file:" + routes, Map.of("shop.secret", SHOP_SECRET));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    static HttpResponse<String> github(String event, String delivery, String contentType, byte[] body,
            String signature) throws Exception {
        return gateway.post("/hooks/github", body, Map.of("Content-Type", contentType, "X-GitHub-Event", event,
                "X-GitHub-Delivery", delivery, "X-Hub-Signature-256", signature, "HookbridgeEventType", "spoofed"));
    }

    static HttpResponse<String> github(String event, String delivery, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return github(event, delivery, "application/json", body, Signatures.github(GITHUB_SECRET, body));
    }

    static Receiver.Request deliveryOf(String eventId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests().stream().anyMatch(r -> eventId.equals(r.header("webhook-id"))));
        return receiver.requests().stream().filter(r -> eventId.equals(r.header("webhook-id"))).findFirst().get();
    }

    int stored(String inbox) throws Exception {
        return gateway.inbox().getStore().countEvents(inbox);
    }

    @Test
    void aSignedGithubEventIsAcceptedStoredAndDeliveredUnchanged() throws Exception {
        HttpResponse<String> response = github("push", UUID.randomUUID().toString(), "{\"ref\":\"refs/heads/main\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().map().keySet()).allSatisfy(h -> assertThat(h.toLowerCase())
                .doesNotContain("github").doesNotContain("hub-signature").doesNotContain("hookbridge"));
        Receiver.Request delivered = deliveryOf(Http.eventId(response));
        assertThat(delivered.bodyText()).isEqualTo("{\"ref\":\"refs/heads/main\"}");
        assertThat(delivered.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void aBadSignatureIsRefusedWith401AndNothingIsStored() throws Exception {
        int before = stored("github");
        byte[] body = "{\"ref\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> wrongSecret = github("push", "d-1", "application/json", body,
                Signatures.github("not-the-secret", body));
        HttpResponse<String> missing = gateway.post("/hooks/github", body, Map.of("Content-Type", "application/json"));
        HttpResponse<String> garbled = github("push", "d-2", "application/json", body, "sha256=zz");

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.body()).isEqualTo("{\"error\":\"invalid signature\"}");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"error\":\"missing X-Hub-Signature-256 header\"}");
        assertThat(garbled.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("hub"));
        assertThat(stored("github")).isEqualTo(before);
    }

    @Test
    void aRedeliveryByGithubIsAcknowledgedAsDuplicateAndNotDeliveredAgain() throws Exception {
        String delivery = UUID.randomUUID().toString();
        HttpResponse<String> first = github("issues", delivery, "{\"action\":\"opened\"}");
        HttpResponse<String> again = github("issues", delivery, "{\"action\":\"opened\"}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("{\"id\":\"" + Http.eventId(first) + "\",\"duplicate\":true}");
        deliveryOf(Http.eventId(first));
        Thread.sleep(300);
        assertThat(receiver.requests()).filteredOn(r -> Http.eventId(first).equals(r.header("webhook-id"))).hasSize(1);
    }

    @Test
    void overlongProviderValuesAreStoredNotRefused() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String delivery = "d".repeat(500);
        Map<String, String> headers = new HashMap<>(Signatures.githubHeaders(GITHUB_SECRET, "e".repeat(400),
                delivery, body));
        headers.put("Content-Type", "application/json; note=" + "x".repeat(1000));

        HttpResponse<String> first = gateway.post("/hooks/github", body, headers);
        HttpResponse<String> again = gateway.post("/hooks/github", body, headers);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200); // a hashed key still recognises the redelivery
        assertThat(deliveryOf(Http.eventId(first)).header("content-type")).endsWith("x".repeat(1000));
    }

    @Test
    void theEventTypeComesFromGithubNotFromTheCaller() throws Exception {
        String id = Http.eventId(github("release", UUID.randomUUID().toString(), "{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.inbox().getStore().delivery(id, "github-out") != null);
        assertThat(gateway.inbox().getStore().eventType(id)).isEqualTo("release");
    }

    @Test
    void aPingIsAnsweredAndGoesNoFurther() throws Exception {
        int before = stored("github");
        HttpResponse<String> ping = github("ping", UUID.randomUUID().toString(), "{\"zen\":\"Keep it logically awesome.\"}");

        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("{\"ok\":true}");
        assertThat(stored("github")).isEqualTo(before);
    }

    @Test
    void aFormEncodedPayloadIsVerifiedOverTheExactBytesAndForwardedAsIs() throws Exception {
        String form = "payload=" + URLEncoder.encode("{\"ref\":\"refs/heads/main\",\"note\":\"a+b c\"}",
                StandardCharsets.UTF_8);
        byte[] body = form.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = github("push", UUID.randomUUID().toString(),
                "application/x-www-form-urlencoded", body, Signatures.github(GITHUB_SECRET, body));

        assertThat(response.statusCode()).isEqualTo(202);
        Receiver.Request delivered = deliveryOf(Http.eventId(response));
        assertThat(delivered.body()).isEqualTo(body);
        assertThat(delivered.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        byte[] body = ("{\"pad\":\"" + "x".repeat(3000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = github("push", "big", "application/json", body,
                Signatures.github(GITHUB_SECRET, body));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("{\"error\":\"the body is larger than 2000 bytes\"}");
    }

    @Test
    void otherMethodsThanPostAreRefused() throws Exception {
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/hooks/github")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void theGenericHmacSourceVerifiesAProviderHookbridgeDoesNotShip() throws Exception {
        byte[] body = "{\"id\":820982911946154508,\"email\":\"jon@example.com\"}".getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(
                Signatures.hmacSha256(SHOP_SECRET.getBytes(StandardCharsets.UTF_8), body));

        HttpResponse<String> ok = shop(body, Map.of());
        HttpResponse<String> tampered = gateway.post("/hooks/shop", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "X-Shopify-Hmac-Sha256", signature));

        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(tampered.statusCode()).isEqualTo(401);
    }

    @Test
    void aBodyThatDoesNotArriveInTimeGets408() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /hooks/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 408 Request Timeout");
        }
        assertThat(stored("slow")).isZero();
    }

    @Test
    void sendersThatTrickleTheirBodiesDoNotHoldUpOthers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // twice the worker threads
                Socket socket = new Socket("127.0.0.1", gateway.port());
                socket.getOutputStream().write(("POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 1000\r\n\r\n{\"a\":").getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            long started = System.nanoTime();
            HttpResponse<String> response = github("push", UUID.randomUUID().toString(), "{}");

            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOffWith413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            out.write(("POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            String chunk = "x".repeat(1000);
            for (int i = 0; i < 3; i++) {
                out.write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
    }

    @Test
    void callerSetHookbridgeHeadersAreIgnored() throws Exception {
        // the generic HMAC source sets no idempotency key: a caller's own must not make a new event a duplicate
        byte[] first = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"n\":2}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> a = shop(first, Map.of("HookbridgeIdempotencyKey", "same", "CamelHttpResponseCode", "500"));
        HttpResponse<String> b = shop(second, Map.of("HookbridgeIdempotencyKey", "same"));

        assertThat(a.statusCode()).isEqualTo(202);
        assertThat(b.statusCode()).isEqualTo(202);
        assertThat(Http.eventId(b)).isNotEqualTo(Http.eventId(a));
    }

    static HttpResponse<String> shop(byte[] body, Map<String, String> extra) throws Exception {
        Map<String, String> headers = new HashMap<>(extra);
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(
                Signatures.hmacSha256(SHOP_SECRET.getBytes(StandardCharsets.UTF_8), body)));
        return gateway.post("/hooks/shop", body, headers);
    }

    static HttpResponse<String> standard(String secret, String id, long timestamp, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return gateway.post("/hooks/acme", body, Signatures.standardHeaders(secret, id, timestamp, body));
    }

    @Test
    void aStandardWebhookIsVerifiedDedupedAndTyped() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String msg = "msg_" + UUID.randomUUID();
        HttpResponse<String> first = standard(SW_SECRET, msg, now, "{\"type\":\"invoice.paid\",\"data\":{}}");
        HttpResponse<String> again = standard(SW_SECRET, msg, now, "{\"type\":\"invoice.paid\",\"data\":{}}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(gateway.inbox().getStore().eventType(Http.eventId(first))).isEqualTo("invoice.paid");
        assertThat(deliveryOf(Http.eventId(first)).path()).isEqualTo("/acme");
    }

    @Test
    void aStandardWebhookSignedWithTheOtherRotatedSecretIsAccepted() throws Exception {
        String other = "whsec_" + Base64.getEncoder().encodeToString("old secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = standard(other, "msg_" + UUID.randomUUID(), System.currentTimeMillis() / 1000,
                "{\"type\":\"a\"}");
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void aStaleOrFutureStandardWebhookIsRefused() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> stale = standard(SW_SECRET, "msg_stale", now - 600, "{}");
        HttpResponse<String> future = standard(SW_SECRET, "msg_future", now + 600, "{}");

        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.body()).isEqualTo("{\"error\":\"timestamp outside the 300 s tolerance\"}");
        assertThat(future.statusCode()).isEqualTo(401);
    }
}

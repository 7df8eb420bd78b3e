package io.hookbridge.source;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signatures made with a provider's private key, checked with its public key: Ed25519, ECDSA P-256, RSA. */
class PublicKeyVerifierTest {

    static final long NOW = 1_764_633_600L;

    @TempDir
    Path dir;

    static PublicKeyVerifier verifier(String algorithm, String publicKey, String encoding, String signedContent,
            String timestampHeader) {
        PublicKeyVerifier v = new PublicKeyVerifier();
        v.setAlgorithm(algorithm);
        v.setPublicKey(publicKey);
        v.setSignatureHeader("X-Signature");
        v.setEncoding(encoding);
        v.setSignedContent(signedContent);
        v.setTimestampHeader(timestampHeader);
        v.init();
        return v;
    }

    static void verify(PublicKeyVerifier v, String body, Map<String, String> headers, long now) throws WebhookRejection {
        v.verify(body.getBytes(StandardCharsets.UTF_8), headers::get, now);
    }

    static byte[] sign(String scheme, PrivateKey key, String content) throws Exception {
        Signature s = Signature.getInstance(scheme);
        s.initSign(key);
        s.update(content.getBytes(StandardCharsets.UTF_8));
        return s.sign();
    }

    static KeyPair keys(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        return g.generateKeyPair();
    }

    /** The raw 32-byte Ed25519 key, as Discord shows it: the end of the SubjectPublicKeyInfo. */
    static String rawEd25519Hex(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        return HexFormat.of().formatHex(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    @Test
    void rfc8032Ed25519TestVector2() {
        // RFC 8032, section 7.1, TEST 2: a one-byte message 0x72
        PublicKeyVerifier v = verifier("ed25519", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "hex", "{body}", null);
        String signature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
        assertThatCode(() -> v.verify(new byte[] { 0x72 }, Map.of("X-Signature", signature)::get, NOW))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> v.verify(new byte[] { 0x73 }, Map.of("X-Signature", signature)::get, NOW))
                .isInstanceOf(WebhookRejection.class).hasMessage("invalid signature");
    }

    @Test
    void ed25519AsDiscordSignsTimestampAndBodyWithRotatedKeys() throws Exception {
        KeyPair current = keys("Ed25519");
        KeyPair old = keys("Ed25519");
        PublicKeyVerifier v = verifier("ed25519", rawEd25519Hex(current) + "," + rawEd25519Hex(old), "hex",
                "{timestamp}{body}", "X-Signature-Timestamp");
        String body = "{\"type\":2}";
        for (KeyPair signer : new KeyPair[] { current, old }) {
            Map<String, String> headers = Map.of("X-Signature-Timestamp", Long.toString(NOW), "X-Signature",
                    HexFormat.of().formatHex(sign("Ed25519", signer.getPrivate(), NOW + body)));
            assertThatCode(() -> verify(v, body, headers, NOW)).doesNotThrowAnyException();
            assertThatThrownBy(() -> verify(v, body + " ", headers, NOW)).hasMessage("invalid signature");
            assertThatThrownBy(() -> verify(v, body, headers, NOW + 301))
                    .hasMessage("timestamp outside the 300 s tolerance");
        }
        Map<String, String> stranger = Map.of("X-Signature-Timestamp", Long.toString(NOW), "X-Signature",
                HexFormat.of().formatHex(sign("Ed25519", keys("Ed25519").getPrivate(), NOW + body)));
        assertThatThrownBy(() -> verify(v, body, stranger, NOW)).hasMessage("invalid signature");
    }

    @Test
    void ecdsaP256AsSendGridSignsWithDerOrRawSignatures() throws Exception {
        KeyPair pair = keys("EC");
        // SendGrid shows the key as base64 of the DER SubjectPublicKeyInfo, signs timestamp + body, base64 DER
        PublicKeyVerifier v = verifier("ecdsa-p256", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                "base64", "{timestamp}{body}", "X-Twilio-Email-Event-Webhook-Timestamp");
        String body = "[{\"event\":\"delivered\"}]\r\n";
        String t = Long.toString(NOW);
        for (String scheme : new String[] { "SHA256withECDSA", "SHA256withECDSAinP1363Format" }) {
            Map<String, String> headers = Map.of("X-Twilio-Email-Event-Webhook-Timestamp", t, "X-Signature",
                    Base64.getEncoder().encodeToString(sign(scheme, pair.getPrivate(), t + body)));
            assertThatCode(() -> verify(v, body, headers, NOW)).as(scheme).doesNotThrowAnyException();
            assertThatThrownBy(() -> verify(v, body.trim(), headers, NOW)).hasMessage("invalid signature");
        }
    }

    @Test
    void sendGridsOwnSdkTestKeysAndPayload() throws Exception {
        // the key pair, payload and timestamp of sendgrid-nodejs's EventWebhook test (packages/eventwebhook); the SDK
        // signs there at run time (ECDSA P-256, SHA-256, over timestamp + payload), so the test signs the same way
        String publicKey = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEmnMGmPY1QYU72N6wCmFqnDyixrWf\n"
                + "tlB3VWPVIpXeQCTCtTw5WUm/RJIl7q3bUMU+jqzctrBHApNV4RI62E7Lfg==\n-----END PUBLIC KEY-----";
        byte[] sec1 = Base64.getDecoder().decode("MHcCAQEEIHKKYAizQd7RU7j4/Z+OlV5O9xgll15VXNTgAOYYvSBwoAoGCCqGSM49"
                + "AwEHoUQDQgAEmnMGmPY1QYU72N6wCmFqnDyixrWftlB3VWPVIpXeQCTCtTw5WUm/RJIl7q3bUMU+jqzctrBHApNV4RI62E7Lfg==");
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(
                new BigInteger(1, Arrays.copyOfRange(sec1, 7, 39)),
                parameters.getParameterSpec(ECParameterSpec.class)));
        String payload = "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\","
                + "\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":"
                + "\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":"
                + "\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492,"
                + "\"schema\":\"TEST12345\",\"test\":\"true\"}]\r\n";
        String timestamp = "1600112502";
        PublicKeyVerifier v = verifier("ecdsa-p256", publicKey, "base64", "{timestamp}{body}",
                "X-Twilio-Email-Event-Webhook-Timestamp");
        long then = Long.parseLong(timestamp);

        String signature = Base64.getEncoder().encodeToString(sign("SHA256withECDSA", privateKey, timestamp + payload));
        assertThatCode(() -> verify(v, payload, Map.of("X-Twilio-Email-Event-Webhook-Timestamp", timestamp,
                "X-Signature", signature), then)).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(v, "payload", Map.of("X-Twilio-Email-Event-Webhook-Timestamp", timestamp,
                "X-Signature", signature), then)).hasMessage("invalid signature");
        // the SDK test's "bad signature"
        assertThatThrownBy(() -> verify(v, payload, Map.of("X-Twilio-Email-Event-Webhook-Timestamp", timestamp,
                "X-Signature",
                "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0="),
                then)).hasMessage("invalid signature");
        // the SDK test's "invalid key"
        PublicKeyVerifier other = verifier("ecdsa-p256", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZ"
                + "kLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==", "base64", "{timestamp}{body}",
                "X-Twilio-Email-Event-Webhook-Timestamp");
        assertThatThrownBy(() -> verify(other, payload, Map.of("X-Twilio-Email-Event-Webhook-Timestamp", timestamp,
                "X-Signature", signature), then)).hasMessage("invalid signature");
    }

    @Test
    void rsaSha256WithAPemKey() throws Exception {
        KeyPair pair = keys("RSA");
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        PublicKeyVerifier v = verifier("rsa-sha256", pem, "base64", "{body}", null);
        Map<String, String> headers = Map.of("X-Signature",
                Base64.getEncoder().encodeToString(sign("SHA256withRSA", pair.getPrivate(), "{}")));
        assertThatCode(() -> verify(v, "{}", headers, NOW)).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(v, "{ }", headers, NOW)).hasMessage("invalid signature");
        assertThatThrownBy(() -> verify(v, "{}", Map.of("X-Signature", "bm90IGEgc2lnbmF0dXJl"), NOW))
                .hasMessage("invalid signature");
    }

    @Test
    void aKeyThatIsNotOneIsRefusedAtStartSayingWhich() {
        assertThatThrownBy(() -> verifier("ed25519", "not a key!", "hex", "{body}", null))
                .hasMessage("the source's public key is neither PEM nor base64 nor hex");
        assertThatThrownBy(() -> verifier("ecdsa-p256", "00112233", "hex", "{body}", null))
                .hasMessage("the source's public key is not an ecdsa-p256 public key (4 bytes)");
        assertThatThrownBy(() -> verifier("ed25519", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,abc",
                "hex", "{body}", null))
                .hasMessage("the source's public key 2 of the list is not an ed25519 public key (2 bytes)");
        assertThatThrownBy(() -> new PublicKeyVerifier().setAlgorithm("dsa"))
                .hasMessage("algorithm must be ed25519, ecdsa-p256 or rsa-sha256");
    }

    /** A provider we do not ship that signs with Ed25519, added as one Kamelet file: no Java. */
    static final String BEACON_KAMELET = """
            apiVersion: camel.apache.org/v1
            kind: Kamelet
            metadata:
              name: beacon-webhook-source
              labels:
                camel.apache.org/kamelet.type: source
            spec:
              definition:
                title: Beacon webhook source
                description: Beacon signs "timestamp.body" with Ed25519, hex, in X-Beacon-Signature.
                required:
                  - path
                  - publicKey
                type: object
                properties:
                  path:
                    title: Path
                    type: string
                  publicKey:
                    title: Public key
                    type: string
              template:
                beans:
                  - name: verifier
                    type: "#class:io.hookbridge.source.PublicKeyVerifier"
                    properties:
                      algorithm: ed25519
                      publicKey: "{{publicKey}}"
                      encoding: hex
                      signatureHeader: X-Beacon-Signature
                      signedContent: "{timestamp}.{body}"
                      timestampHeader: X-Beacon-Time
                from:
                  uri: "webhook-receiver:{{path}}"
                  parameters:
                    verifier: "#bean:{{verifier}}"
                    source: beacon
                    idempotencyHeader: X-Beacon-Id
                  steps:
                    - to:
                        uri: kamelet:sink
            """;

    @Test
    void aProviderSigningWithEd25519AddedAsOneKameletFileWorksOverHttp() throws Exception {
        KeyPair pair = keys("Ed25519");
        Path kamelets = Files.createDirectories(dir.resolve("kamelets"));
        Files.writeString(kamelets.resolve("beacon-webhook-source.kamelet.yaml"), BEACON_KAMELET);
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                - route:
                    id: beacon-in
                    from:
                      uri: kamelet:beacon-webhook-source
                      parameters:
                        path: /webhooks/beacon
                        publicKey: "%s"
                      steps:
                        - to:
                            uri: inbox:beacon
                """.formatted(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())));
        try (Gateway gateway = Gateway.start(dir.resolve("data"), "file:" + routes,
                Map.of("camel.component.kamelet.location", "file:" + kamelets + ",classpath:kamelets"))) {
            byte[] body = "{\"beacon\":1}".getBytes(StandardCharsets.UTF_8);
            long t = System.currentTimeMillis() / 1000;
            Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json",
                    "X-Beacon-Id", UUID.randomUUID().toString(), "X-Beacon-Time", Long.toString(t),
                    "X-Beacon-Signature", HexFormat.of().formatHex(sign("Ed25519", pair.getPrivate(),
                            t + "." + new String(body, StandardCharsets.UTF_8)))));
            String url = "http://127.0.0.1:" + gateway.port() + "/webhooks/beacon";

            HttpResponse<String> ok = Http.post(url, body, headers);
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(gateway.inbox().getStore().event(Http.eventId(ok)).body()).isEqualTo(body);
            HttpResponse<String> tampered = Http.post(url, "{\"beacon\":2}".getBytes(StandardCharsets.UTF_8), headers);
            assertThat(tampered.statusCode()).isEqualTo(401);
            assertThat(tampered.body()).isEqualTo("{\"error\":\"invalid signature\"}");
        }
    }
}

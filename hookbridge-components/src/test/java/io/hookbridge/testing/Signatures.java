package io.hookbridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs test requests the way providers do, independently of the code under test. */
public final class Signatures {

    private Signatures() {
    }

    public static byte[] hmacSha256(byte[] key, byte[] content) {
        return hmac("HmacSHA256", key, content);
    }

    public static byte[] hmac(String algorithm, byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hmac(String algorithm, String key, String content) {
        return hmac(algorithm, key.getBytes(StandardCharsets.UTF_8), content.getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The headers Stripe sends: Stripe-Signature t=..,v1=.. over "t.body". */
    public static Map<String, String> stripeHeaders(String secret, long timestamp, byte[] body) {
        return Map.of("Content-Type", "application/json", "Stripe-Signature", "t=" + timestamp + ",v1="
                + hex(hmac("HmacSHA256", secret, timestamp + "." + new String(body, StandardCharsets.UTF_8))));
    }

    /** The headers Shopify sends for an order. */
    public static Map<String, String> shopifyHeaders(String secret, String topic, String webhookId, byte[] body) {
        return Map.of("Content-Type", "application/json", "X-Shopify-Topic", topic, "X-Shopify-Webhook-Id", webhookId,
                "X-Shopify-Hmac-Sha256", base64(hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), body)));
    }

    /** The headers a Standard Webhooks sender sends: v1,base64(HMAC-SHA256(key, "id.timestamp.body")). */
    public static Map<String, String> standardHeaders(String whsecSecret, String id, long timestamp, byte[] body) {
        byte[] key = Base64.getDecoder().decode(whsecSecret.substring("whsec_".length()));
        String signed = id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8);
        return Map.of("Content-Type", "application/json", "webhook-id", id, "webhook-timestamp",
                Long.toString(timestamp), "webhook-signature",
                "v1," + base64(hmacSha256(key, signed.getBytes(StandardCharsets.UTF_8))));
    }

    /** The headers GitHub sends with a JSON event, signed with {@code secret}. */
    public static Map<String, String> githubHeaders(String secret, String event, String delivery, byte[] body) {
        return Map.of("Content-Type", "application/json", "X-GitHub-Event", event, "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", github(secret, body));
    }

    /** The X-Hub-Signature-256 value GitHub sends. */
    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }
}

package io.hookbridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs test requests the way providers do, independently of the code under test. */
public final class Signatures {

    private Signatures() {
    }

    public static byte[] hmacSha256(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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

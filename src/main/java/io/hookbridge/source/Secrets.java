package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The secrets a source accepts: comma-separated, so a new one can be added before the old one is retired. The whole
 * value is accepted as well, so a secret that itself contains a comma keeps working.
 *
 * @param raw  the configured value
 * @param keys the key bytes of each accepted secret: the first listed one first, the whole value last
 */
record Secrets(String raw, List<byte[]> keys) {

    static final Set<String> ENCODINGS = Set.of("text", "base64", "whsec");

    static Secrets parse(String raw, String encoding) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("the secret must not be empty");
        }
        Set<String> values = new LinkedHashSet<>();
        for (String s : raw.split(",")) {
            if (!s.isBlank()) {
                values.add(s.trim());
            }
        }
        values.add(raw.trim());
        List<byte[]> keys = new ArrayList<>();
        for (String s : values) {
            byte[] key = key(s, encoding);
            if (key != null && key.length > 0) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no usable secret (encoding " + encoding + ")");
        }
        return new Secrets(raw, List.copyOf(keys));
    }

    /** The key of the first secret listed: the current one, for providers that also need it to sign answers. */
    byte[] primary() {
        return keys.get(0);
    }

    /** The values as text (for secrets compared as strings, such as tokens). */
    List<String> texts() {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    static String checkEncoding(String encoding) {
        String e = encoding.toLowerCase(Locale.ROOT);
        if (!ENCODINGS.contains(e)) {
            throw new IllegalArgumentException("secretEncoding must be text, base64 or whsec");
        }
        return e;
    }

    /** The key bytes of one secret, or null if it is not written in that encoding. */
    static byte[] key(String secret, String encoding) {
        if ("text".equals(encoding)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        String base64 = "whsec".equals(encoding) && secret.startsWith("whsec_") ? secret.substring(6) : secret;
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "Secrets[" + keys.size() + " keys]"; // never the values
    }
}

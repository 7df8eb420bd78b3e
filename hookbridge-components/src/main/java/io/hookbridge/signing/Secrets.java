package io.hookbridge.signing;

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
 * <p>
 * A malformed secret is not refused when it is set: Camel would put the value into its binding error. It is refused
 * by {@link #check()} when the source starts, with a message that says what is wrong without the value.
 *
 * @param raw     the configured value
 * @param keys    the key bytes of each accepted secret: the first listed one first, the whole value last
 * @param problem what is wrong with a listed secret (never the secret itself), or null
 */
public record Secrets(String raw, List<byte[]> keys, String problem) {

    public static final Set<String> ENCODINGS = Set.of("text", "base64", "whsec");
    private static final String WHSEC = "whsec_";

    public static Secrets parse(String raw, String encoding) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("the secret must not be empty");
        }
        Set<String> listed = new LinkedHashSet<>();
        for (String s : raw.split(",")) {
            if (!s.isBlank()) {
                listed.add(s.trim());
            }
        }
        List<byte[]> keys = new ArrayList<>();
        String problem = null;
        int position = 0;
        for (String s : listed) {
            position++;
            byte[] key = key(s, encoding);
            if (key != null && key.length > 0) {
                keys.add(key);
            } else if (problem == null) {
                problem = (listed.size() > 1 ? "secret " + position + " of the list: " : "") + malformed(s, encoding);
            }
        }
        byte[] whole = listed.contains(raw.trim()) ? null : key(raw.trim(), encoding);
        if (whole != null && whole.length > 0) {
            keys.add(whole);
            problem = keys.size() == 1 ? null : problem; // one secret with a comma in it, not a list
        }
        return new Secrets(raw, List.copyOf(keys), problem);
    }

    /** Refuses a malformed secret, saying what is wrong with it. */
    public void check() {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The key of the first secret listed: the current one, for providers that also need it to sign answers. */
    public byte[] primary() {
        return keys.get(0);
    }

    /** The values as text (for secrets compared as strings, such as tokens). */
    public List<String> texts() {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    public static String checkEncoding(String encoding) {
        String e = encoding.toLowerCase(Locale.ROOT);
        if (!ENCODINGS.contains(e)) {
            throw new IllegalArgumentException("secretEncoding must be text, base64 or whsec");
        }
        return e;
    }

    /** The key bytes of one secret, or null if it is not written in that encoding. */
    public static byte[] key(String secret, String encoding) {
        if ("text".equals(encoding)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        boolean prefixed = "whsec".equals(encoding) && secret.startsWith(WHSEC);
        String base64 = prefixed ? secret.substring(WHSEC.length()) : secret;
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /**
     * Why a {@code whsec_} or base64 secret does not decode, naming at most the one character that is not base64
     * (the decoder's own message, kept out of logs, says more than that).
     */
    public static String malformed(String secret, String encoding) {
        boolean whsec = secret.startsWith(WHSEC);
        String base64 = whsec ? secret.substring(WHSEC.length()) : secret;
        String what = whsec ? "a whsec_ secret is base64 after the prefix" : "a " + encoding + " secret is base64";
        if (base64.isEmpty()) {
            return what + ", and nothing follows the prefix";
        }
        for (char c : base64.toCharArray()) {
            boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '+' || c == '/' || c == '=';
            if (!alphabet) {
                return what + "; " + (c > ' ' && c < 127 ? "'" + c + "' is not base64"
                        : c == ' ' ? "a space is not base64 (in an endpoint URI a '+' turns into a space unless the "
                                + "value is written RAW(...), as in secret=RAW({{my.secret}}))"
                        : "a control character is not base64");
            }
        }
        return what + "; this one is cut short or wrongly padded";
    }

    @Override
    public String toString() {
        return "Secrets[" + keys.size() + " keys]"; // never the values
    }
}

package io.hookbridge.inbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which request headers the inbox keeps with an event: the provider's descriptive headers (event name, delivery id,
 * user agent...), never credentials, signatures, transport headers or Camel's and Hookbridge's own.
 */
final class StoredHeaders {

    private static final Set<String> TRANSPORT = Set.of("host", "connection", "content-length", "transfer-encoding",
            "keep-alive", "expect", "te", "trailer", "upgrade", "accept-encoding", "content-type", "cookie", "set-cookie",
            "authorization", "proxy-authorization", "x-forwarded-for", "forwarded");
    private static final String[] SECRET_WORDS = { "signature", "hmac", "token", "secret", "password", "api-key",
            "apikey", "auth" };

    private StoredHeaders() {
    }

    static Map<String, String> of(Map<String, Object> headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Object> h : headers.entrySet()) {
            if (h.getValue() instanceof String value && isKept(h.getKey())) {
                kept.put(h.getKey(), value);
            }
        }
        return kept;
    }

    static boolean isKept(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("camel") || n.startsWith("org.apache.camel")
                || n.startsWith(InboxHeaders.PREFIX.toLowerCase(Locale.ROOT)) || TRANSPORT.contains(n)) {
            return false;
        }
        for (String word : SECRET_WORDS) {
            if (n.contains(word)) {
                return false;
            }
        }
        return true;
    }
}

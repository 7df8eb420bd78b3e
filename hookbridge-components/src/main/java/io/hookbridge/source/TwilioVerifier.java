package io.hookbridge.source;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.hookbridge.signing.Hmac;
import io.hookbridge.signing.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Twilio's request validation: {@code X-Twilio-Signature} is base64(HMAC-SHA1(auth token, URL + each POST parameter's
 * name and value, sorted by name)). A JSON body is not in the signature: its SHA-256 travels in the URL as
 * {@code bodySHA256}, which must match. The URL is the one Twilio called: {@code publicUrl} when set (the gateway often
 * sits behind a proxy), else rebuilt from the request; it is tried with and without the scheme's default port, as
 * Twilio's own libraries do.
 */
public class TwilioVerifier implements Processor {

    static final String HEADER = "X-Twilio-Signature";

    private Secrets authTokens;
    private String publicUrl;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        String query = m.getHeader(Exchange.HTTP_QUERY, String.class);
        String url = publicUrl != null
                ? publicUrl + (query == null || query.isEmpty() ? "" : "?" + query)
                : requestUrl(m);
        verify(url, m.getHeader(Exchange.CONTENT_TYPE, String.class), body == null ? new byte[0] : body,
                m.getHeader(HEADER, String.class));
    }

    void verify(String url, String contentType, byte[] body, String signature) throws WebhookRejection {
        if (signature == null || signature.isBlank()) {
            throw new WebhookRejection(401, "missing " + HEADER + " header");
        }
        byte[] candidate;
        try {
            candidate = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookRejection(401, "malformed " + HEADER + " header");
        }
        boolean form = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        String params = form ? sortedParams(new String(body, StandardCharsets.UTF_8)) : "";
        boolean match = false;
        for (String u : withAndWithoutDefaultPort(url)) {
            byte[] content = (u + params).getBytes(StandardCharsets.UTF_8);
            for (byte[] key : authTokens.keys()) {
                match |= MessageDigest.isEqual(Hmac.sign("HmacSHA1", key, content), candidate);
            }
        }
        if (!match) {
            throw new WebhookRejection(401, "invalid signature");
        }
        if (!form) {
            String expected = queryParameter(url, "bodySHA256");
            if (expected == null || !MessageDigest.isEqual(HexFormat.of().formatHex(sha256(body))
                    .getBytes(StandardCharsets.UTF_8), expected.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))) {
                throw new WebhookRejection(401, "body does not match bodySHA256");
            }
        }
    }

    /** The URL as the gateway received it; behind a proxy, X-Forwarded-Proto tells the scheme. */
    private static String requestUrl(Message m) {
        String scheme = m.getHeader("X-Forwarded-Proto", "http", String.class);
        return scheme + "://" + m.getHeader("Host", String.class) + m.getHeader(Exchange.HTTP_URI, String.class);
    }

    /** Form parameters decoded, sorted by name (then value), each written as name + value. */
    static String sortedParams(String form) {
        Map<String, List<String>> params = new TreeMap<>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        StringBuilder out = new StringBuilder();
        params.forEach((name, values) -> values.stream().sorted().forEach(v -> out.append(name).append(v)));
        return out.toString();
    }

    static Set<String> withAndWithoutDefaultPort(String url) {
        Set<String> urls = new LinkedHashSet<>();
        urls.add(url);
        try {
            URI u = URI.create(url);
            int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            String tail = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            String host = u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + u.getHost();
            if (u.getPort() == -1) {
                urls.add(host + ":" + defaultPort + tail);
            } else if (u.getPort() == defaultPort) {
                urls.add(host + tail);
            }
        } catch (IllegalArgumentException e) {
            // not a URL we can vary: the signature decides on the URL as given
        }
        return urls;
    }

    private static String queryParameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The account's auth token(s); several, comma-separated, while rotating. */
    public void setAuthToken(String authToken) {
        this.authTokens = Secrets.parse(authToken, "text");
    }

    /** The URL configured in Twilio for this webhook, without query (e.g. https://hooks.example.com/webhooks/twilio). */
    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("\\?.*", "");
    }
}

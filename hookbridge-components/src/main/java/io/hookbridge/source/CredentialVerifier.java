package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.hookbridge.signing.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * For providers that send a shared credential instead of a signature: HTTP Basic ({@code scheme=Basic}, secrets
 * {@code user:password}), a bearer token ({@code scheme=Bearer}) or an API key in a named header (no scheme). The
 * header's value is compared in constant time with every accepted credential.
 */
public class CredentialVerifier implements Processor {

    private String header = "Authorization";
    private String scheme = "";
    private String username;
    private Secrets secrets;
    private List<byte[]> expected = List.of();

    @Override
    public void process(Exchange exchange) throws Exception {
        verify(exchange.getMessage().getHeader(header, String.class));
        // whatever its name, the credential is never stored with the event nor shown by the admin API
        Headers.remove(exchange.getMessage(), header);
    }

    void verify(String value) throws WebhookRejection {
        if (value == null || value.isBlank()) {
            throw new WebhookRejection(401, "missing " + header + " header");
        }
        byte[] given = value.trim().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] candidate : expected) {
            match |= MessageDigest.isEqual(candidate, given);
        }
        if (!match) {
            throw new WebhookRejection(401, "invalid credentials in " + header);
        }
    }

    private void rebuild() {
        if (secrets == null) {
            return;
        }
        expected = secrets.texts().stream()
                .map(s -> switch (scheme.toLowerCase(Locale.ROOT)) {
                    case "" -> s;
                    case "basic" -> "Basic " + Base64.getEncoder().encodeToString(
                            ((username == null ? "" : username + ":") + s).getBytes(StandardCharsets.UTF_8));
                    default -> scheme + " " + s;
                })
                .map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** The request header with the credential (default Authorization). */
    public void setHeader(String header) {
        this.header = header;
    }

    /** {@code Basic}, {@code Bearer}, or empty for a bare value such as an API key. */
    public void setScheme(String scheme) {
        this.scheme = scheme == null ? "" : scheme.trim();
        rebuild();
    }

    /** For Basic: the user name; the secrets are then its passwords (without it, each secret is {@code user:password}). */
    public void setUsername(String username) {
        this.username = username == null || username.isBlank() ? null : username;
        rebuild();
    }

    /** The accepted credentials, comma-separated while rotating. */
    public void setSecret(String secret) {
        this.secrets = Secrets.parse(secret, "text");
        rebuild();
    }
}

package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Verifies an HMAC signature over the raw request bytes, the shared mechanism behind the provider sources: which
 * header carries the signature, how it is written, what is signed, which secrets are accepted and how recent a
 * signed timestamp must be are all parameters. Comparison is constant-time; a failure says which check failed, never
 * the expected value.
 */
public class HmacVerifier implements Processor {

    private List<byte[]> keys = List.of();
    private String secretEncoding = "text";
    private String rawSecret;
    private String signatureHeader;
    private Pattern signaturePattern = Pattern.compile("(.+)");
    private String algorithm = "HmacSHA256";
    private String encoding = "hex";
    private SignedContent signedContent = new SignedContent("{body}");
    private String timestampHeader;
    private long tolerance = 300;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        verify(body == null ? new byte[0] : body, name -> m.getHeader(name, String.class),
                System.currentTimeMillis() / 1000);
    }

    /** Throws a 401 rejection unless one of the signatures in the request matches one of the accepted secrets. */
    void verify(byte[] body, java.util.function.UnaryOperator<String> headers, long nowSeconds)
            throws WebhookRejection {
        String header = headers.apply(signatureHeader);
        if (header == null || header.isBlank()) {
            throw new WebhookRejection(401, "missing " + signatureHeader + " header");
        }
        if (timestampHeader != null) {
            checkTimestamp(headers.apply(timestampHeader), nowSeconds);
        }
        List<byte[]> candidates = candidates(header);
        if (candidates.isEmpty()) {
            throw new WebhookRejection(401, "malformed " + signatureHeader + " header");
        }
        byte[] content = signedContent.render(body, headers);
        if (content == null) {
            throw new WebhookRejection(401, "missing a signed header (" + String.join(", ", signedContent.headerNames())
                    + ")");
        }
        boolean match = false;
        for (byte[] key : keys) {
            byte[] expected = hmac(key, content);
            for (byte[] candidate : candidates) {
                // no early exit: the time taken does not tell which secret or signature came close
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        if (!match) {
            throw new WebhookRejection(401, "invalid signature");
        }
    }

    private void checkTimestamp(String value, long nowSeconds) throws WebhookRejection {
        if (value == null || value.isBlank()) {
            throw new WebhookRejection(401, "missing " + timestampHeader + " header");
        }
        long ts;
        try {
            ts = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new WebhookRejection(401, "malformed " + timestampHeader + " header");
        }
        if (Math.abs(nowSeconds - ts) > tolerance) {
            throw new WebhookRejection(401, "timestamp outside the " + tolerance + " s tolerance");
        }
    }

    private List<byte[]> candidates(String header) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = signaturePattern.matcher(header);
        while (m.find()) {
            String sig = (m.groupCount() >= 1 ? m.group(1) : m.group()).trim();
            try {
                out.add("base64".equals(encoding) ? Base64.getDecoder().decode(sig) : HexFormat.of().parseHex(
                        sig.toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException notEncodedThatWay) {
                // a garbled entry is simply not a candidate
            }
        }
        return out;
    }

    private byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + algorithm + " is not available", e);
        }
    }

    /**
     * The accepted secrets, comma-separated so that a new one can be added before the old is retired. The whole value
     * is accepted as well, so a secret that itself contains a comma keeps working.
     */
    public void setSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the secret must not be empty");
        }
        this.rawSecret = secret;
        rebuildKeys();
    }

    /** How a secret turns into key bytes: {@code text} (UTF-8), {@code base64}, or {@code whsec} ({@code whsec_} + base64). */
    public void setSecretEncoding(String secretEncoding) {
        String e = secretEncoding.toLowerCase(Locale.ROOT);
        if (!Set.of("text", "base64", "whsec").contains(e)) {
            throw new IllegalArgumentException("secretEncoding must be text, base64 or whsec");
        }
        this.secretEncoding = e;
        rebuildKeys();
    }

    private void rebuildKeys() {
        if (rawSecret == null) {
            return;
        }
        Set<String> secrets = new LinkedHashSet<>();
        secrets.add(rawSecret.trim());
        for (String s : rawSecret.split(",")) {
            if (!s.isBlank()) {
                secrets.add(s.trim());
            }
        }
        List<byte[]> list = new ArrayList<>();
        for (String s : secrets) {
            byte[] key = key(s, secretEncoding);
            if (key != null) {
                list.add(key);
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no usable secret (encoding " + secretEncoding + ")");
        }
        this.keys = List.copyOf(list);
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

    public void setSignatureHeader(String signatureHeader) {
        this.signatureHeader = signatureHeader;
    }

    /** A regular expression; each match's first group (or the whole match) is one signature to try. */
    public void setSignaturePattern(String signaturePattern) {
        this.signaturePattern = Pattern.compile(signaturePattern);
    }

    /** A {@link Mac} algorithm, e.g. HmacSHA256, HmacSHA1, HmacSHA512. */
    public void setAlgorithm(String algorithm) throws GeneralSecurityException {
        Mac.getInstance(algorithm);
        this.algorithm = algorithm;
    }

    /** How signatures are written: {@code hex} or {@code base64}. */
    public void setEncoding(String encoding) {
        String e = encoding.toLowerCase(Locale.ROOT);
        if (!e.equals("hex") && !e.equals("base64")) {
            throw new IllegalArgumentException("encoding must be hex or base64");
        }
        this.encoding = e;
    }

    public void setSignedContent(String template) {
        this.signedContent = new SignedContent(template);
    }

    /** A header holding the signed Unix timestamp; when set, requests older or newer than the tolerance fail. */
    public void setTimestampHeader(String timestampHeader) {
        this.timestampHeader = timestampHeader == null || timestampHeader.isBlank() ? null : timestampHeader;
    }

    /** Seconds a signed timestamp may be away from now. */
    public void setTolerance(long tolerance) {
        this.tolerance = tolerance;
    }
}

package io.hookbridge.source;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Verifies an HMAC signature over the raw request bytes: the shared mechanism behind the provider sources. Which
 * header carries the signature, how it is written, what is signed, which secrets are accepted and how recent a signed
 * timestamp must be are all properties. Comparison is constant-time; a failure says which check failed, never the
 * expected value.
 */
public class HmacVerifier extends ServiceSupport implements Processor {

    private Secrets secrets;
    private String secretEncoding = "text";
    private String signatureHeader;
    private Pattern signaturePattern = Pattern.compile("(.+)");
    private String algorithm = "HmacSHA256";
    private String encoding = "hex";
    private SignedContent signedContent = new SignedContent("{body}");
    private String timestampHeader;
    private Pattern timestampPattern = Pattern.compile("(\\d+)");
    private long tolerance = 300;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        verify(body == null ? new byte[0] : body, name -> m.getHeader(name, String.class),
                System.currentTimeMillis() / 1000);
        // whatever its name, the signature is never stored with the event nor shown by the admin API
        Headers.remove(m, signatureHeader);
    }

    /** Started by the source's consumer: a malformed secret stops the start (see {@link Secrets}). */
    @Override
    protected void doInit() {
        if (secrets == null) {
            throw new IllegalArgumentException("the source needs a secret");
        }
        try {
            secrets.check();
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("the source's secret: " + malformed.getMessage());
        }
    }

    /** Throws a 401 rejection unless one of the signatures in the request matches one of the accepted secrets. */
    void verify(byte[] body, UnaryOperator<String> headers, long nowSeconds) throws WebhookRejection {
        String header = Headers.first(headers, signatureHeader);
        if (header == null) {
            throw new WebhookRejection(401, "missing " + signatureHeader + " header");
        }
        String timestamp = timestampHeader == null ? null : timestamp(headers, nowSeconds);
        List<byte[]> candidates = candidates(header);
        if (candidates.isEmpty()) {
            throw new WebhookRejection(401, "malformed " + signatureHeader + " header");
        }
        byte[] content = signedContent.render(body, headers, timestamp);
        if (content == null) {
            throw new WebhookRejection(401, "missing a signed header (" + String.join(", ", signedContent.headerNames())
                    + ")");
        }
        boolean match = false;
        for (byte[] key : secrets.keys()) {
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

    /** The signed timestamp, checked against the tolerance. */
    private String timestamp(UnaryOperator<String> headers, long nowSeconds) throws WebhookRejection {
        String value = Headers.first(headers, timestampHeader);
        if (value == null) {
            throw new WebhookRejection(401, "missing " + timestampHeader + " header");
        }
        Matcher m = timestampPattern.matcher(value);
        long ts;
        try {
            if (!m.find()) {
                throw new NumberFormatException();
            }
            ts = Long.parseLong(m.groupCount() >= 1 ? m.group(1) : m.group());
        } catch (NumberFormatException e) {
            throw new WebhookRejection(401, "malformed timestamp in " + timestampHeader);
        }
        if (Math.abs(nowSeconds - ts) > tolerance) {
            throw new WebhookRejection(401, "timestamp outside the " + tolerance + " s tolerance");
        }
        return Long.toString(ts);
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

    /** The accepted secrets; see {@link Secrets} for rotation lists. */
    public void setSecret(String secret) {
        this.secrets = Secrets.parse(secret, secretEncoding);
    }

    /** How a secret turns into key bytes: {@code text} (UTF-8), {@code base64}, or {@code whsec} ({@code whsec_} + base64). */
    public void setSecretEncoding(String secretEncoding) {
        this.secretEncoding = Secrets.checkEncoding(secretEncoding);
        if (secrets != null) {
            secrets = Secrets.parse(secrets.raw(), this.secretEncoding);
        }
    }

    /** The request header carrying the signature; several, comma-separated, means the first present. */
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

    /**
     * The header holding the signed Unix timestamp (several, comma-separated: the first present); when set, requests
     * further than the tolerance from now are refused.
     */
    public void setTimestampHeader(String timestampHeader) {
        this.timestampHeader = timestampHeader == null || timestampHeader.isBlank() ? null : timestampHeader;
    }

    /** Where the timestamp is within its header: the first group of this regular expression (default: the digits). */
    public void setTimestampPattern(String timestampPattern) {
        this.timestampPattern = Pattern.compile(timestampPattern);
    }

    /** Seconds a signed timestamp may be away from now. */
    public void setTolerance(long tolerance) {
        this.tolerance = tolerance;
    }
}

package io.hookbridge.source;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The shared mechanism behind the signed sources: which header carries the signature and how it is written, what is
 * signed (a {@link SignedContent} template over the raw request bytes) and how recent a signed timestamp must be are
 * properties; how a signature is checked is the subclass's: with shared secrets ({@link HmacVerifier}) or public keys
 * ({@link PublicKeyVerifier}). A failure says which check failed, never an expected value.
 */
public abstract class SignedRequestVerifier extends ServiceSupport implements Processor {

    private String signatureHeader;
    private Pattern signaturePattern = Pattern.compile("(.+)");
    private String encoding = "hex";
    private SignedContent signedContent = new SignedContent("{body}");
    private String timestampHeader;
    private Pattern timestampPattern = Pattern.compile("(\\d+)");
    private long tolerance = 300;

    /** Whether one of the request's signatures is a valid signature of {@code content} by one of the accepted keys. */
    protected abstract boolean anyValid(byte[] content, List<byte[]> signatures);

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        verify(body == null ? new byte[0] : body, name -> m.getHeader(name, String.class),
                System.currentTimeMillis() / 1000);
        // whatever its name, the signature is never stored with the event nor shown by the admin API
        Headers.remove(m, signatureHeader);
    }

    /** Throws a 401 rejection unless one of the signatures in the request is valid. */
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
        if (!anyValid(content, candidates)) {
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

    /** The request header carrying the signature; several, comma-separated, means the first present. */
    public void setSignatureHeader(String signatureHeader) {
        this.signatureHeader = signatureHeader;
    }

    /** A regular expression; each match's first group (or the whole match) is one signature to try. */
    public void setSignaturePattern(String signaturePattern) {
        this.signaturePattern = Pattern.compile(signaturePattern);
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

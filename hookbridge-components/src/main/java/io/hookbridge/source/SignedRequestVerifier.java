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
    private String signatureJsonPath;
    private Pattern signaturePattern = Pattern.compile("(.+)");
    private String encoding = "hex";
    private SignedContent signedContent = new SignedContent("{body}");
    private String timestampHeader;
    private String timestampJsonPath;
    private Pattern timestampPattern = Pattern.compile("(\\d+)");
    private boolean timestampInMilliseconds;
    private long tolerance = 300;

    /** Whether one of the request's signatures is a valid signature of {@code content} by one of the accepted keys. */
    protected abstract boolean anyValid(byte[] content, List<byte[]> signatures);

    /** A source that names no place for the signature is a mistake in its Kamelet, refused when it starts. */
    @Override
    protected void doInit() {
        if (signatureHeader == null && signatureJsonPath == null) {
            throw new IllegalArgumentException("the verifier needs a signatureHeader or a signatureJsonPath");
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        verify(body == null ? new byte[0] : body, name -> m.getHeader(name, String.class),
                System.currentTimeMillis() / 1000);
        // whatever its name, the signature is never stored with the event nor shown by the admin API
        if (signatureHeader != null) {
            Headers.remove(m, signatureHeader);
        }
    }

    /** Throws a 401 rejection unless one of the signatures in the request is valid. */
    void verify(byte[] body, UnaryOperator<String> headers, long nowSeconds) throws WebhookRejection {
        JsonFields fields = new JsonFields(body);
        UnaryOperator<String> json = fields::read;
        String signature = signatureJsonPath != null ? json.apply(signatureJsonPath)
                : Headers.first(headers, signatureHeader);
        if (signature == null) {
            throw new WebhookRejection(401, "missing " + where(signatureHeader, signatureJsonPath));
        }
        String timestamp = timestampHeader == null && timestampJsonPath == null ? null
                : timestamp(timestampJsonPath != null ? json.apply(timestampJsonPath)
                        : Headers.first(headers, timestampHeader), nowSeconds);
        List<byte[]> candidates = candidates(signature);
        if (candidates.isEmpty()) {
            throw new WebhookRejection(401, "malformed " + where(signatureHeader, signatureJsonPath));
        }
        byte[] content = signedContent.render(body, headers, json, timestamp);
        if (content == null) {
            throw new WebhookRejection(401, "missing a signed field (" + String.join(", ", signedContent.fieldNames())
                    + ")");
        }
        if (!anyValid(content, candidates)) {
            throw new WebhookRejection(401, "invalid signature");
        }
    }

    private static String where(String header, String jsonPath) {
        return jsonPath != null ? jsonPath + " in the body" : header + " header";
    }

    /** The signed timestamp as sent (its digits), checked against the tolerance. */
    private String timestamp(String value, long nowSeconds) throws WebhookRejection {
        String where = where(timestampHeader, timestampJsonPath);
        if (value == null) {
            throw new WebhookRejection(401, "missing " + where);
        }
        Matcher m = timestampPattern.matcher(value);
        String digits;
        long seconds;
        try {
            if (!m.find()) {
                throw new NumberFormatException();
            }
            digits = m.groupCount() >= 1 ? m.group(1) : m.group();
            seconds = Long.parseLong(digits) / (timestampInMilliseconds ? 1000 : 1);
        } catch (NumberFormatException e) {
            throw new WebhookRejection(401, "malformed timestamp in " + where);
        }
        if (Math.abs(nowSeconds - seconds) > tolerance) {
            throw new WebhookRejection(401, "timestamp outside the " + tolerance + " s tolerance");
        }
        return digits;
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
        this.signatureHeader = blankToNull(signatureHeader);
    }

    /** Where the signature is when a provider sends it inside its JSON body (Mailgun), instead of a header. */
    public void setSignatureJsonPath(String signatureJsonPath) {
        this.signatureJsonPath = blankToNull(signatureJsonPath);
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
        this.timestampHeader = blankToNull(timestampHeader);
    }

    /** Where the signed timestamp is when a provider sends it inside its JSON body (Linear, Mailgun). */
    public void setTimestampJsonPath(String timestampJsonPath) {
        this.timestampJsonPath = blankToNull(timestampJsonPath);
    }

    /** {@code seconds} (Unix time, the default) or {@code milliseconds} (HubSpot, Linear). */
    public void setTimestampUnit(String unit) {
        String u = unit.toLowerCase(Locale.ROOT);
        if (!u.equals("seconds") && !u.equals("milliseconds")) {
            throw new IllegalArgumentException("timestampUnit must be seconds or milliseconds");
        }
        this.timestampInMilliseconds = u.equals("milliseconds");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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

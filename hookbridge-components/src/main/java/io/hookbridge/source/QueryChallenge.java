package io.hookbridge.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

import io.hookbridge.signing.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Answers a subscription handshake that echoes a query parameter, before any signature check (these requests are
 * not signed): Meta's {@code GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..} and Microsoft Graph's
 * {@code POST ?validationToken=..}. When the request carries the challenge parameter (and the method matches), it is
 * answered 200 text/plain with the challenge, after the verify token, if one is configured, matched in constant time
 * (403 otherwise). Any other request is left alone.
 */
public class QueryChallenge implements Processor {

    private String method;
    private String challengeParameter;
    private String tokenParameter;
    private Secrets tokens;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        if (method != null && !method.equalsIgnoreCase(m.getHeader(Exchange.HTTP_METHOD, String.class))) {
            return;
        }
        Map<String, String> query = parse(m.getHeader(Exchange.HTTP_QUERY, String.class));
        String challenge = query.get(challengeParameter);
        if (challenge == null) {
            return;
        }
        if (tokens != null) {
            byte[] given = query.getOrDefault(tokenParameter, "").getBytes(StandardCharsets.UTF_8);
            boolean match = false;
            for (byte[] token : tokens.keys()) {
                match |= MessageDigest.isEqual(token, given);
            }
            if (!match) {
                throw new WebhookRejection(403, "the verify token does not match");
            }
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "text/plain");
        m.setBody(challenge);
    }

    static Map<String, String> parse(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    /** Only requests with this HTTP method are handshakes (e.g. GET); any method when not set. */
    public void setMethod(String method) {
        this.method = method == null || method.isBlank() ? null : method;
    }

    public void setChallengeParameter(String challengeParameter) {
        this.challengeParameter = challengeParameter;
    }

    public void setTokenParameter(String tokenParameter) {
        this.tokenParameter = tokenParameter;
    }

    /** The verify token(s) the handshake must carry in {@code tokenParameter}; none checked when not set. */
    public void setToken(String token) {
        this.tokens = token == null || token.isBlank() ? null : Secrets.parse(token, "text");
    }
}

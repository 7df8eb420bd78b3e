package io.hookbridge.sink;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.inbox.InboxHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;

/**
 * Prepares an outbound webhook request the Standard Webhooks way: {@code webhook-id} (the event id, the same on every
 * retry so receivers can dedupe), {@code webhook-timestamp}, and, with a secret, {@code webhook-signature:
 * v1,base64(HMAC-SHA256(id.timestamp.body))}; plus the method, Basic or bearer authentication and extra headers.
 * Every other header of the exchange is dropped, so nothing received from the provider leaks to the destination.
 */
public class WebhookRequest implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private byte[] key;
    private HttpMethods method = HttpMethods.POST;
    private String authorization;
    private String username;
    private String password;
    private Map<String, String> extraHeaders = Map.of();

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        byte[] body = m.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        String id = m.getHeader(InboxHeaders.EVENT_ID, String.class);
        if (id == null) {
            id = exchange.getExchangeId();
        }
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        long timestamp = System.currentTimeMillis() / 1000;

        // nothing of the event's headers goes out; Camel's redelivery count stays, or a route's redelivery policy
        // would count from zero on every try and never give up
        m.removeHeaders("*", "CamelRedeliver*");
        // the enum, not its name: the HTTP producer would look up a converter from the String on every request
        m.setHeader(Exchange.HTTP_METHOD, method);
        m.setHeader(Exchange.CONTENT_TYPE, contentType == null ? "application/json" : contentType);
        m.setHeader("webhook-id", id);
        m.setHeader("webhook-timestamp", Long.toString(timestamp));
        if (key != null) {
            m.setHeader("webhook-signature", "v1," + sign(key, id, timestamp, body));
        }
        extraHeaders.forEach(m::setHeader);
        if (authorization != null) {
            m.setHeader("Authorization", authorization);
        } else if (username != null) {
            m.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8)));
        }
        m.setBody(body);
    }

    /** {@code base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}. */
    public static String sign(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code whsec_} + base64 (as Svix and Standard Webhooks libraries expect), or any other text used as is. */
    public void setSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            this.key = null;
        } else if (secret.startsWith("whsec_")) {
            this.key = Base64.getDecoder().decode(secret.substring(6));
        } else {
            this.key = secret.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** POST (default), PUT or PATCH. */
    public void setMethod(String method) {
        this.method = method == null || method.isBlank() ? HttpMethods.POST
                : HttpMethods.valueOf(method.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** HTTP Basic authentication: the user name (with {@link #setPassword}). */
    public void setUsername(String username) {
        this.username = username == null || username.isBlank() ? null : username;
    }

    public void setPassword(String password) {
        this.password = password == null || password.isEmpty() ? null : password;
    }

    /** A bearer token, sent as {@code Authorization: Bearer <token>}. */
    public void setBearerToken(String token) {
        this.authorization = token == null || token.isBlank() ? null : "Bearer " + token.trim();
    }

    /** Extra headers as a JSON object, e.g. {@code {"Authorization": "Bearer abc"}}. */
    public void setHeaders(String json) throws Exception {
        this.extraHeaders = json == null || json.isBlank() ? Map.of() : JSON.readValue(json, new TypeReference<>() {
        });
    }
}

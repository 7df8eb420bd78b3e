package io.hookbridge.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.inbox.InboxHeaders;
import io.hookbridge.signing.Hmac;
import io.hookbridge.signing.Secrets;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Prepares an outbound webhook request the Standard Webhooks way: {@code webhook-id} (the event id, the same on every
 * retry so receivers can dedupe), {@code webhook-timestamp}, and, with a secret, {@code webhook-signature:
 * v1,base64(HMAC-SHA256(id.timestamp.body))}, and {@code webhook-event-type} when the event has a type; plus the
 * method, Basic or bearer authentication and extra headers, whose values can be templates over the event. Every other
 * header of the exchange is dropped, so nothing received from the provider leaks to the destination unless asked for.
 */
public class WebhookRequest extends ServiceSupport implements Processor, CamelContextAware {

    /** Camel's redelivery headers (CamelRedelivered, CamelRedeliveryCounter...), which a request keeps. */
    private static final String REDELIVERY_PREFIX = "CamelRedeliver";

    /** The event's type, from its source (e.g. GitHub's X-GitHub-Event), when it has one. */
    public static final String EVENT_TYPE_HEADER = "webhook-event-type";

    private static final ObjectMapper JSON = new ObjectMapper();

    private String secret;
    private List<byte[]> keys = List.of();
    private HttpMethods method = HttpMethods.POST;
    private String authorization;
    private String username;
    private String password;
    private String headers;
    // read-only once started: values as written, and those that are templates
    private final Map<String, String> fixedHeaders = new LinkedHashMap<>();
    private final Map<String, MessageTemplate> templatedHeaders = new LinkedHashMap<>();
    private CamelContext camelContext;

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
        String eventType = m.getHeader(InboxHeaders.EVENT_TYPE, String.class);
        long timestamp = System.currentTimeMillis() / 1000;
        Map<String, String> rendered = templatedHeaders.isEmpty() ? Map.of() : new LinkedHashMap<>();
        // rendered over the event before its headers go; one line each, so an event cannot add a header of its own
        templatedHeaders.forEach((name, template) -> rendered.put(name,
                template.render(m, Map.of()).replaceAll("[\\r\\n]+", " ")));

        // nothing of the event's headers goes out; Camel's redelivery count stays, or a route's redelivery policy
        // would count from zero on every try and never give up
        // (by prefix: removeHeaders with patterns matched each header against them, 1.5% of the gateway's CPU)
        m.getHeaders().keySet().removeIf(name -> !name.regionMatches(true, 0, REDELIVERY_PREFIX, 0,
                REDELIVERY_PREFIX.length()));
        // the enum, not its name: the HTTP producer would look up a converter from the String on every request
        m.setHeader(Exchange.HTTP_METHOD, method);
        m.setHeader(Exchange.CONTENT_TYPE, contentType == null ? "application/json" : contentType);
        m.setHeader("webhook-id", id);
        m.setHeader("webhook-timestamp", Long.toString(timestamp));
        if (eventType != null) {
            m.setHeader(EVENT_TYPE_HEADER, eventType);
        }
        if (!keys.isEmpty()) {
            m.setHeader("webhook-signature", signatures(id, timestamp, body));
        }
        fixedHeaders.forEach(m::setHeader);
        rendered.forEach(m::setHeader);
        if (authorization != null) {
            m.setHeader("Authorization", authorization);
        } else if (username != null) {
            m.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8)));
        }
        m.setBody(body);
    }

    /** One {@code v1,} signature per key, space-separated (the Standard Webhooks form for several). */
    private String signatures(String id, long timestamp, byte[] body) {
        if (keys.size() == 1) {
            return "v1," + sign(keys.get(0), id, timestamp, body);
        }
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys) {
            header.append(header.isEmpty() ? "v1," : " v1,").append(sign(key, id, timestamp, body));
        }
        return header.toString();
    }

    /** {@code base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}. */
    public static String sign(byte[] key, String id, long timestamp, byte[] body) {
        return Base64.getEncoder().encodeToString(Hmac.sign("HmacSHA256", key,
                (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
    }

    /**
     * {@code whsec_} + base64 (as Svix and Standard Webhooks libraries expect), or any other text used as is; while
     * rotating, several {@code whsec_} secrets, comma-separated, newest first: each request is then signed with every
     * one, so a receiver verifies with the secret it has. Decoded when the route starts: a malformed one set here
     * would put its value into Camel's binding error.
     */
    public void setSecret(String secret) {
        this.secret = secret == null || secret.isBlank() ? null : secret;
    }

    @Override
    protected void doInit() {
        if (headers != null) {
            Map<String, String> values;
            try {
                values = JSON.readValue(headers, new TypeReference<>() {
                });
            } catch (JsonProcessingException e) {
                // where, not what: the parser's messages quote the text, and headers carry tokens
                throw new IllegalArgumentException("webhook-sink's headers: not a JSON object of names to text values"
                        + (e.getLocation() == null ? "" : " (at character " + e.getLocation().getColumnNr() + ")"));
            }
            values.forEach((name, value) -> {
                if (value != null && value.contains("${")) {
                    templatedHeaders.put(name, MessageTemplate.compile(camelContext,
                            "webhook-sink's header '" + name + "'", value, Escaping.NONE));
                } else {
                    fixedHeaders.put(name, value == null ? "" : value);
                }
            });
        }
        keys = secret == null ? List.of() : signingKeys(secret);
    }

    /** The keys of one secret, or of a list of {@code whsec_} secrets; never quotes a secret when refusing one. */
    static List<byte[]> signingKeys(String secret) {
        String[] listed = secret.split(",");
        if (listed.length == 1 || Arrays.stream(listed).noneMatch(s -> s.trim().startsWith("whsec_"))) {
            return List.of(signingKey(secret.trim(), "webhook-sink's secret: ")); // a text secret may hold a comma
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < listed.length; i++) {
            String what = "webhook-sink's secret " + (i + 1) + " of the list: ";
            if (!listed[i].trim().startsWith("whsec_")) {
                throw new IllegalArgumentException(what + "not a whsec_ secret (a list of secrets, while rotating, "
                        + "holds whsec_ secrets only)");
            }
            keys.add(signingKey(listed[i].trim(), what));
        }
        return List.copyOf(keys);
    }

    private static byte[] signingKey(String secret, String what) {
        if (!secret.startsWith("whsec_")) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        byte[] decoded = Secrets.key(secret, "whsec");
        if (decoded == null || decoded.length == 0) {
            throw new IllegalArgumentException(what + Secrets.malformed(secret, "whsec"));
        }
        return decoded;
    }

    /** POST (default), PUT or PATCH. */
    public void setMethod(String method) {
        this.method = method == null || method.isBlank() ? HttpMethods.POST
                : HttpMethods.valueOf(method.trim().toUpperCase(Locale.ROOT));
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

    /**
     * Extra headers as a JSON object, e.g. {@code {"Authorization": "Bearer abc", "X-GitHub-Event":
     * "${header.X-GitHub-Event}"}}; each value is a message template over the event (see {@link MessageTemplate}).
     */
    public void setHeaders(String json) {
        this.headers = json == null || json.isBlank() ? null : json;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}

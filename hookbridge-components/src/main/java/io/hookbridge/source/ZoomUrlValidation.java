package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookbridge.signing.Hmac;
import io.hookbridge.signing.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Zoom's endpoint validation: {@code {"event":"endpoint.url_validation","payload":{"plainToken":"..."}}} is answered
 * {@code {"plainToken": ..., "encryptedToken": hex(HMAC-SHA256(secret, plainToken))}}. It runs after the signature
 * check, and only takes short tokens: answering unsigned or arbitrary input would make the gateway an HMAC oracle
 * for the secret. Other events pass through untouched.
 */
public class ZoomUrlValidation implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private byte[] key;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        JsonNode event;
        try {
            event = JSON.readTree(m.getBody(byte[].class));
        } catch (Exception notJson) {
            return;
        }
        if (event == null || !"endpoint.url_validation".equals(event.path("event").asText())) {
            return;
        }
        String plainToken = event.path("payload").path("plainToken").asText();
        if (!TOKEN.matcher(plainToken).matches()) {
            throw new WebhookRejection(400, "unexpected plainToken");
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(JSON.writeValueAsString(JSON.createObjectNode().put("plainToken", plainToken)
                .put("encryptedToken", hmacHex(plainToken))));
    }

    private String hmacHex(String text) {
        return HexFormat.of().formatHex(Hmac.sign("HmacSHA256", key, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The app's secret token; of a rotation list, the first (current) one answers the validation. */
    public void setSecret(String secret) {
        this.key = Secrets.parse(secret, "text").primary();
    }
}

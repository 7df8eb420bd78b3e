package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import io.hookbridge.signing.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * For providers that put a shared secret inside the JSON payload (Microsoft Graph's {@code clientState}): every value
 * at {@code path} must equal one of the accepted secrets, compared in constant time, and there must be at least one.
 */
public class JsonTokenVerifier implements Processor {

    private JsonPath path;
    private String pathText;
    private Secrets secrets;

    @Override
    public void process(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        verify(body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }

    void verify(String json) throws WebhookRejection {
        List<String> values = new ArrayList<>();
        try {
            Object found = path.read(json);
            if (found instanceof List<?> list) {
                list.forEach(v -> values.add(v == null ? null : v.toString()));
            } else if (found != null) {
                values.add(found.toString());
            }
        } catch (PathNotFoundException e) {
            // no value: refused below
        } catch (RuntimeException e) {
            throw new WebhookRejection(400, "the body is not valid JSON");
        }
        if (values.isEmpty()) {
            throw new WebhookRejection(401, "missing " + pathText);
        }
        for (String value : values) {
            byte[] given = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
            boolean match = false;
            for (byte[] key : secrets.keys()) {
                match |= MessageDigest.isEqual(key, given);
            }
            if (!match) {
                throw new WebhookRejection(401, "invalid " + pathText);
            }
        }
    }

    /** A JSONPath to the token(s), e.g. {@code $.value[*].clientState}. */
    public void setPath(String path) {
        this.pathText = path;
        this.path = JsonPath.compile(path);
    }

    public void setSecret(String secret) {
        this.secrets = Secrets.parse(secret, "text");
    }
}

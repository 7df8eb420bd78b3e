package io.hookbridge.sink;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Reads a destination's answer within bounds, after an HTTP call made with {@code throwExceptionOnFailure=false}: at
 * most {@link #SNIPPET} bytes are kept (for the attempt log), the rest is never read, so a destination answering with
 * a huge body cannot exhaust memory. A status other than 2xx becomes an {@link HttpOperationFailedException} that
 * names only the destination's scheme, host and port: a URL path often holds a token, and this message gets logged.
 */
public class DestinationResponse implements Processor {

    static final int SNIPPET = 512;

    private String url;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String snippet = snippet(m.getBody());
        m.setBody(snippet);
        if (status >= 200 && status < 300) {
            return;
        }
        Map<String, String> headers = new HashMap<>();
        String retryAfter = m.getHeader("Retry-After", String.class);
        if (retryAfter != null) {
            headers.put("Retry-After", retryAfter);
        }
        throw new HttpOperationFailedException(origin(url), status, m.getHeader(Exchange.HTTP_RESPONSE_TEXT, String.class),
                null, headers, snippet);
    }

    static String snippet(Object body) throws IOException {
        if (body == null) {
            return null;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(SNIPPET), StandardCharsets.UTF_8);
            }
        }
        String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : body.toString();
        return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET);
    }

    /** {@code https://host:port}, nothing of the path or query. */
    static String origin(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (RuntimeException e) {
            return "the destination";
        }
    }

    public void setUrl(String url) {
        this.url = url;
    }
}

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
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Reads a destination's answer within bounds, after an HTTP call made with {@code throwExceptionOnFailure=false}: at
 * most {@link #SNIPPET} bytes, for at most the response timeout, are kept (for the attempt log); the rest is never
 * read - the connection is dropped instead - so a destination answering with a huge or never-ending body can neither
 * exhaust memory nor hold the attempt. A status other than 2xx becomes an {@link HttpOperationFailedException} that
 * names only the destination's scheme, host and port: a URL path often holds a token, and this message gets logged.
 */
public class DestinationResponse implements Processor {

    static final int SNIPPET = 512;

    private String url;
    private long responseTimeout = 15_000;

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String snippet = snippet(m.getBody(), responseTimeout);
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

    static String snippet(Object body, long timeoutMillis) throws IOException {
        if (body == null) {
            return null;
        }
        if (body instanceof InputStream in) {
            byte[] snippet = new byte[SNIPPET];
            int n = 0;
            boolean ended = false;
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            try {
                while (n < SNIPPET && System.nanoTime() < deadline) {
                    int read = in.read(snippet, n, SNIPPET - n);
                    if (read < 0) {
                        ended = true;
                        break;
                    }
                    n += read;
                }
            } catch (IOException stalled) {
                // the status has arrived; the rest of the answer is only for the log
            }
            if (ended) {
                in.close(); // read to the end: the connection can serve the next attempt
            } else if (in instanceof EofSensorInputStream response) {
                response.abort(); // closing would read the rest first, maybe forever
            } else {
                in.close();
            }
            return new String(snippet, 0, n, StandardCharsets.UTF_8);
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

    /** Milliseconds the answer's body may take to arrive, up to the bytes kept. */
    public void setResponseTimeout(long responseTimeout) {
        this.responseTimeout = responseTimeout;
    }
}

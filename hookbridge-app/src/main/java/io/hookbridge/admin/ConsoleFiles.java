package io.hookbridge.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Serves the operator console's few static files from the jar ({@code hookbridge/console/}): the page itself holds no
 * data (it reads the admin API with the operator's token), so it needs no token. Every answer forbids inline script,
 * framing and other origins, so that an event's attacker-controlled text cannot run even if it reached the page as
 * markup.
 */
final class ConsoleFiles implements Processor {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> content;

    ConsoleFiles() {
        content = FILES.keySet().stream().collect(Collectors.toUnmodifiableMap(f -> f, ConsoleFiles::read));
    }

    private static byte[] read(String file) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream("hookbridge/console/" + file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        String path = m.getHeader(Exchange.HTTP_URI, "", String.class);
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        String file = path.equals("/console") || path.equals("/console/") ? "index.html"
                : path.substring(path.lastIndexOf('/') + 1);
        // the request's headers would otherwise go back as response headers
        m.getHeaders().clear();
        m.setHeader("Content-Security-Policy", POLICY);
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("Referrer-Policy", "no-referrer");
        if (!path.startsWith("/console") || !content.containsKey(file)) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            m.setBody("{\"error\":\"no such page\"}");
            return;
        }
        m.setHeader(Exchange.CONTENT_TYPE, FILES.get(file));
        m.setBody(content.get(file));
    }
}

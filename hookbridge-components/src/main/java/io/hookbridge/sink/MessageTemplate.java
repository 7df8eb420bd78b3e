package io.hookbridge.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.hookbridge.inbox.InboxHeaders;
import io.hookbridge.inbox.PermanentDeliveryException;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.support.ResourceHelper;

/**
 * A message template over an event (Mustache). Inline, in a route file, it is written with {@code ${...}}, because
 * Camel reads {@code {{...}}} there as property placeholders: {@code "${repository.full_name}: ${head_commit.message}"}.
 * A template file ({@code file:} or {@code classpath:}) uses Mustache's usual {@code {{...}}}.
 * <p>
 * Names resolve against the JSON payload's fields, then {@code header.<Name>} (the event's headers), {@code event.id},
 * {@code event.type}, {@code event.source} and {@code body} (the raw payload as text), plus any extra values the sink
 * passes. Every value is escaped for the target ({@link Escaping}); a missing one renders empty; sections
 * ({@code ${#commits}...${/commits}}) loop over lists.
 */
public final class MessageTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Mustache mustache;

    private MessageTemplate(String name, Mustache mustache) {
        this.name = name;
        this.mustache = mustache;
    }

    /**
     * Compiles {@code template}: a {@code file:}/{@code classpath:} resource, or the template text itself. {@code name}
     * says whose template it is in errors, as in {@code email-sink's 'subject'}.
     */
    public static MessageTemplate compile(CamelContext context, String name, String template, Escaping escaping) {
        DefaultMustacheFactory factory = new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(escaping.escape(value));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        try {
            if (isResource(template)) {
                try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, template)) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return new MessageTemplate(name, factory.compile(new StringReader(text), template));
                } catch (IOException e) {
                    throw new IllegalArgumentException(name + " template: cannot read " + template + " ("
                            + e.getMessage() + ")", e);
                }
            }
            return new MessageTemplate(name, factory.compile(new StringReader(template), "inline", "${", "}"));
        } catch (MustacheException e) {
            throw new IllegalArgumentException(name + " template: " + e.getMessage(), e);
        }
    }

    static boolean isResource(String template) {
        String t = template.toLowerCase(Locale.ROOT);
        return t.startsWith("file:") || t.startsWith("classpath:");
    }

    /** Renders over the event in {@code message}, with {@code extra} values on top. */
    public String render(Message message, Map<String, ?> extra) {
        StringWriter out = new StringWriter();
        try {
            mustache.execute(out, scope(message, extra));
        } catch (MustacheException e) {
            // the same event renders the same way on every try
            throw new PermanentDeliveryException(name + " template: " + e.getMessage());
        }
        return out.toString();
    }

    /** What a template can name: the payload's fields, then the event's own, then the sink's values. */
    static Map<String, Object> scope(Message message, Map<String, ?> extra) {
        Map<String, Object> scope = new LinkedHashMap<>();
        byte[] body = message.getBody(byte[].class);
        if (body != null && looksLikeJsonObject(body)) {
            try {
                scope.putAll(JSON.readValue(body, Map.class));
            } catch (IOException notJson) {
                // a body that is not JSON still renders: only its fields are missing
            }
        }
        Map<String, Object> headers = new LinkedHashMap<>(message.getHeaders());
        scope.put("header", headers);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", message.getHeader(InboxHeaders.EVENT_ID));
        event.put("type", message.getHeader(InboxHeaders.EVENT_TYPE));
        event.put("source", message.getHeader(InboxHeaders.SOURCE));
        scope.putIfAbsent("event", event);
        scope.putIfAbsent("body", body == null ? "" : new String(body, StandardCharsets.UTF_8));
        scope.putAll(extra);
        return scope;
    }

    private static boolean looksLikeJsonObject(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }
}

package io.hookbridge.sink;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Builds the request a chat or SMS API expects from an event, in two steps: the message {@code text} is rendered from
 * its template with the target's escaping and cut to the API's limit; then the request body is rendered from the
 * {@code payload} template (the API's JSON or form shape, shipped in the jar), with {@code text} and the sink's
 * {@code values} in scope, escaped for that format. The body and its content type replace the event's; the HTTP call
 * is the webhook sink's.
 */
public class ChatMessage implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private String textTemplate;
    private Escaping textEscaping = Escaping.NONE;
    private int maxTextLength = 4000;
    private String payloadTemplate;
    private Escaping payloadEscaping = Escaping.JSON;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, MessageTemplate> valueTemplates = new LinkedHashMap<>();
    private MessageTemplate text;
    private MessageTemplate payload;

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> scope = new LinkedHashMap<>();
        values.forEach((k, v) -> scope.put(k, typed(v == null || v.isEmpty() ? v : value(k, v).render(m, Map.of()))));
        scope.put("text", cut(text().render(m, scope)));
        String body = payload().render(m, scope);
        m.setHeader(Exchange.CONTENT_TYPE, payloadEscaping == Escaping.FORM
                ? "application/x-www-form-urlencoded" : "application/json");
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A sink value as a template sees it: empty is absent, true/false are booleans (for sections). */
    private static Object typed(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return "true".equals(value) || "false".equals(value) ? Boolean.valueOf(value) : value;
    }

    private String cut(String value) {
        return value.length() <= maxTextLength ? value : value.substring(0, maxTextLength - 1) + "…";
    }

    /** A value (a title, a recipient...) is a template too, escaped like the text. */
    private MessageTemplate value(String name, String template) {
        return valueTemplates.computeIfAbsent(name, n -> MessageTemplate.compile(camelContext, template, textEscaping));
    }

    private MessageTemplate text() {
        if (text == null) {
            text = MessageTemplate.compile(camelContext, textTemplate, textEscaping);
        }
        return text;
    }

    private MessageTemplate payload() {
        if (payload == null) {
            payload = MessageTemplate.compile(camelContext, payloadTemplate, payloadEscaping);
        }
        return payload;
    }

    /** The message text: an inline template ({@code ${field}}) or a {@code file:}/{@code classpath:} template. */
    public void setText(String text) {
        this.textTemplate = text;
    }

    /** How event values are escaped in the text: none, html, slack, markdown (empty: none). */
    public void setTextEscaping(String escaping) {
        this.textEscaping = escaping == null || escaping.isBlank() ? Escaping.NONE
                : Escaping.valueOf(escaping.trim().toUpperCase(Locale.ROOT));
    }

    /** The API's limit; longer text is cut and ends with an ellipsis. */
    public void setMaxTextLength(int maxTextLength) {
        this.maxTextLength = maxTextLength;
    }

    /** The request body template (the API's JSON or form shape). */
    public void setPayload(String payload) {
        this.payloadTemplate = payload;
    }

    /** {@code json} or {@code form}. */
    public void setPayloadEscaping(String escaping) {
        this.payloadEscaping = Escaping.valueOf(escaping.toUpperCase(Locale.ROOT));
    }

    /** Values the payload template can name, such as a chat id, a title or a recipient; templates themselves. */
    public Map<String, String> getValues() {
        return values;
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

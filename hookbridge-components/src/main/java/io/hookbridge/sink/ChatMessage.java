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
import org.apache.camel.support.service.ServiceSupport;

/**
 * Builds the request a chat or SMS API expects from an event, in two steps: the message {@code text} is rendered from
 * its template with the target's escaping and cut to the API's limit; then the request body is rendered from the
 * {@code payload} template (the API's JSON or form shape, shipped in the jar), with {@code text} and the sink's
 * {@code values} in scope, escaped for that format. The body and its content type replace the event's; the HTTP call
 * is the webhook sink's. The templates are compiled when the route starts: a broken one stops the start, not an event.
 */
public class ChatMessage extends ServiceSupport implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private String textTemplate;
    private Escaping textEscaping = Escaping.NONE;
    private int maxTextLength = 4000;
    private String payloadTemplate;
    private Escaping payloadEscaping = Escaping.JSON;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, MessageTemplate> valueTemplates = new LinkedHashMap<>(); // read-only once started
    private MessageTemplate text;
    private MessageTemplate payload;

    @Override
    protected void doInit() {
        values.forEach((name, template) -> {
            if (template != null && !template.isEmpty()) {
                valueTemplates.put(name,
                        MessageTemplate.compile(camelContext, "'" + name + "'", template, textEscaping));
            }
        });
        text = MessageTemplate.compile(camelContext, "the text", textTemplate, textEscaping);
        payload = MessageTemplate.compile(camelContext, "the payload", payloadTemplate, payloadEscaping);
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> scope = new LinkedHashMap<>();
        values.forEach((k, v) -> scope.put(k, typed(valueTemplates.containsKey(k)
                ? valueTemplates.get(k).render(m, Map.of()) : v)));
        scope.put("text", cut(text.render(m, scope)));
        String body = payload.render(m, scope);
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

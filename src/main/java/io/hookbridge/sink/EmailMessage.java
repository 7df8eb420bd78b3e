package io.hookbridge.sink;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Builds an e-mail from an event for camel-mail: sender, recipients and subject (templates too, so that e.g. the
 * customer's address can come from the payload), a plain-text body and/or an HTML body (values HTML-escaped); with
 * both, a multipart/alternative message. Every header of the event is dropped first: camel-mail would otherwise turn
 * them into mail headers, and a {@code To} among them would choose the recipient.
 */
public class EmailMessage implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final Map<String, MessageTemplate> compiled = new LinkedHashMap<>();

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String field : new String[] { "From", "To", "Cc", "Bcc", "Subject" }) {
            String value = renderLine(m, field);
            if (value != null && !value.isBlank()) {
                headers.put(field, value);
            }
        }
        String text = render(m, "text", Escaping.NONE);
        String html = render(m, "html", Escaping.HTML);
        // no event header may become a mail header; Camel's redelivery count stays (see WebhookRequest)
        m.removeHeaders("*", "CamelRedeliver*");
        m.getHeaders().putAll(headers);
        if (html != null) {
            m.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
            if (text != null) {
                m.setHeader("CamelMailAlternativeBody", text);
            }
            m.setBody(html);
        } else {
            m.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
            m.setBody(text == null ? "" : text);
        }
    }

    /** A header value: one line, so that nothing in the event can add a header of its own. */
    private String renderLine(Message m, String field) {
        String value = render(m, field.toLowerCase(), Escaping.NONE);
        return value == null ? null : value.replaceAll("[\\r\\n]+", " ").trim();
    }

    private String render(Message m, String name, Escaping escaping) {
        String template = templates.get(name);
        if (template == null || template.isBlank()) {
            return null;
        }
        return compiled.computeIfAbsent(name, n -> MessageTemplate.compile(camelContext, template, escaping))
                .render(m, Map.of());
    }

    public void setFrom(String from) {
        templates.put("from", from);
    }

    public void setTo(String to) {
        templates.put("to", to);
    }

    public void setCc(String cc) {
        templates.put("cc", cc);
    }

    public void setBcc(String bcc) {
        templates.put("bcc", bcc);
    }

    public void setSubject(String subject) {
        templates.put("subject", subject);
    }

    public void setText(String text) {
        templates.put("text", text);
    }

    public void setHtml(String html) {
        templates.put("html", html);
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

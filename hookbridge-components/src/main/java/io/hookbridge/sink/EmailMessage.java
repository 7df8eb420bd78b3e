package io.hookbridge.sink;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.hookbridge.inbox.PermanentDeliveryException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Builds an e-mail from an event for camel-mail: sender, recipients and subject (templates too, so that e.g. the
 * customer's address can come from the payload), a plain-text body and/or an HTML body (values HTML-escaped); with
 * both, a multipart/alternative message. Every header of the event is dropped first: camel-mail would otherwise turn
 * them into mail headers, and a {@code To} among them would choose the recipient.
 * <p>
 * The templates are compiled when the route starts, so that a broken one stops the start rather than an event. An
 * e-mail that cannot be built from an event (no recipient, an address that is none) fails for good at its first
 * attempt: retrying would build it the same way.
 */
public class EmailMessage extends ServiceSupport implements Processor, CamelContextAware {

    private static final String[] ADDRESSES = { "From", "To", "Cc", "Bcc" };

    private CamelContext camelContext;
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final Map<String, MessageTemplate> compiled = new LinkedHashMap<>(); // read-only once started

    @Override
    protected void doInit() {
        templates.forEach((name, template) -> {
            if (template != null && !template.isBlank()) {
                compiled.put(name, MessageTemplate.compile(camelContext, "email-sink's '" + name + "'", template,
                        "html".equals(name) ? Escaping.HTML : Escaping.NONE));
            }
        });
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String field : new String[] { "From", "To", "Cc", "Bcc", "Subject" }) { // the headers camel-mail reads
            String value = renderLine(m, field);
            if (value != null && !value.isBlank()) {
                headers.put(field, value);
            }
        }
        checkAddresses(headers);
        String text = render(m, "text");
        String html = render(m, "html");
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

    /** An e-mail needs a recipient, and every address rendered must be one. */
    private void checkAddresses(Map<String, String> headers) {
        if (!headers.containsKey("To") && !headers.containsKey("Cc") && !headers.containsKey("Bcc")) {
            throw new PermanentDeliveryException("the e-mail has no recipient: "
                    + (templates.get("to") == null ? "no 'to' is set" : "'to' rendered empty from the event"));
        }
        for (String field : ADDRESSES) {
            String value = headers.get(field);
            if (value != null) {
                try {
                    InternetAddress.parse(value, true);
                } catch (AddressException e) {
                    throw new PermanentDeliveryException("'" + field.toLowerCase(Locale.ROOT)
                            + "' is not a valid address list: " + e.getMessage());
                }
            }
        }
    }

    /** A header value: one line, so that nothing in the event can add a header of its own. */
    private String renderLine(Message m, String field) {
        String value = render(m, field.toLowerCase(Locale.ROOT));
        return value == null ? null : value.replaceAll("[\\r\\n]+", " ").trim();
    }

    private String render(Message m, String name) {
        MessageTemplate template = compiled.get(name);
        return template == null ? null : template.render(m, Map.of());
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

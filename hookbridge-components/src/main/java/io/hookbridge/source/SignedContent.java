package io.hookbridge.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider signs, as a template: {@code {body}} is the raw body bytes, {@code {header:Name}} a request header
 * ({@code {header:A,B}}: the first of them present), {@code {json:$.path}} a field of the JSON body (Mailgun signs
 * fields of its payload), {@code {timestamp}} the signed timestamp as sent, anything else literal text. Examples:
 * {@code {body}} (GitHub, Shopify), {@code {timestamp}.{body}} (Stripe),
 * {@code {header:webhook-id}.{timestamp}.{body}} (Standard Webhooks), {@code v0:{timestamp}:{body}} (Slack, Zoom).
 */
final class SignedContent {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(body|timestamp|header:([^}]+)|json:([^}]+))}");

    private sealed interface Part permits Literal, Body, Timestamp, Header, JsonField {
    }

    private record Literal(byte[] bytes) implements Part {
    }

    private record Body() implements Part {
    }

    private record Timestamp() implements Part {
    }

    private record Header(String names) implements Part {
    }

    private record JsonField(String path) implements Part {
    }

    private final List<Part> parts;

    SignedContent(String template) {
        List<Part> list = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                list.add(new Literal(template.substring(last, m.start()).getBytes(StandardCharsets.UTF_8)));
            }
            if (m.group(2) != null) {
                list.add(new Header(m.group(2).trim()));
            } else if (m.group(3) != null) {
                list.add(new JsonField(m.group(3).trim()));
            } else {
                list.add("body".equals(m.group(1)) ? new Body() : new Timestamp());
            }
            last = m.end();
        }
        if (last < template.length()) {
            list.add(new Literal(template.substring(last).getBytes(StandardCharsets.UTF_8)));
        }
        this.parts = List.copyOf(list);
    }

    /** Whether the template signs a timestamp (which then must be present and recent). */
    boolean signsTimestamp() {
        return parts.stream().anyMatch(Timestamp.class::isInstance);
    }

    /** The bytes to sign, or null when a header or JSON field the template needs is missing. */
    byte[] render(byte[] body, UnaryOperator<String> headers, UnaryOperator<String> json, String timestamp) {
        if (parts.size() == 1 && parts.get(0) instanceof Body) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.writeBytes(literal.bytes());
            } else if (part instanceof Body) {
                out.writeBytes(body);
            } else {
                String value = part instanceof Header header ? Headers.first(headers, header.names())
                        : part instanceof JsonField field ? json.apply(field.path()) : timestamp;
                if (value == null) {
                    return null;
                }
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** The headers and JSON fields the template reads, for error messages. */
    List<String> fieldNames() {
        return parts.stream().<String>mapMulti((p, out) -> {
            if (p instanceof Header header) {
                out.accept(header.names());
            } else if (p instanceof JsonField field) {
                out.accept(field.path());
            }
        }).toList();
    }
}

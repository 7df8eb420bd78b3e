package io.hookbridge.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider signs, as a template: {@code {body}} is the raw body bytes, {@code {header:Name}} a request header,
 * anything else is literal text. Examples: {@code {body}} (GitHub, Shopify),
 * {@code {header:webhook-id}.{header:webhook-timestamp}.{body}} (Standard Webhooks),
 * {@code v0:{header:X-Slack-Request-Timestamp}:{body}} (Slack).
 */
final class SignedContent {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(body|header:([^}]+))}");

    private sealed interface Part permits Literal, Body, Header {
    }

    private record Literal(byte[] bytes) implements Part {
    }

    private record Body() implements Part {
    }

    private record Header(String name) implements Part {
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
            list.add(m.group(2) == null ? new Body() : new Header(m.group(2).trim()));
            last = m.end();
        }
        if (last < template.length()) {
            list.add(new Literal(template.substring(last).getBytes(StandardCharsets.UTF_8)));
        }
        this.parts = List.copyOf(list);
    }

    /** The bytes to sign, or null when a header the template needs is missing. */
    byte[] render(byte[] body, UnaryOperator<String> headers) {
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
                String value = headers.apply(((Header) part).name());
                if (value == null) {
                    return null;
                }
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** The header names the template reads. */
    List<String> headerNames() {
        return parts.stream().filter(Header.class::isInstance).map(p -> ((Header) p).name()).toList();
    }
}

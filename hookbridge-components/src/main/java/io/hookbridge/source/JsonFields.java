package io.hookbridge.source;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;

/**
 * Reads fields that describe an event (its id, its type) out of a provider's payload: parsed at most once, only if it
 * looks like JSON, and never failing the request (a field that is not there is simply null).
 */
final class JsonFields {

    private final byte[] body;
    private Object document;
    private boolean parsed;

    JsonFields(byte[] body) {
        this.body = body;
    }

    /** The value at {@code path} as text (the first one, for a list), or null. */
    String read(String path) {
        if (!parsed) {
            parsed = true;
            document = looksLikeJson() ? parse() : null;
        }
        if (document == null) {
            return null;
        }
        try {
            Object value = JsonPath.read(document, path);
            if (value instanceof List<?> list) {
                value = list.isEmpty() ? null : list.get(0);
            }
            return value == null || value instanceof Map || value instanceof List ? null : value.toString();
        } catch (RuntimeException nothingThere) {
            return null;
        }
    }

    private boolean looksLikeJson() {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    private Object parse() {
        try {
            return Configuration.defaultConfiguration().jsonProvider().parse(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}

package io.hookbridge.inbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;

/**
 * A subscription's ordered delivery: events with the same key ({@code orderingKey}, a JSONPath into the body, or one
 * key for all with {@code fifo}) are delivered one at a time, in the order they were received; other keys flow. An
 * event without the key (not JSON, or the path absent) is not ordered. With {@code blockOnDead} a dead head keeps
 * holding its key until it is replayed and delivered; otherwise its key moves on once it is dead.
 */
record Ordering(JsonPath keyPath, boolean blockOnDead) {

    /** The key of fifo subscriptions: every event has it. */
    static final String ALL = "";

    /** The subscription's ordering, or null if it delivers in parallel. */
    static Ordering of(InboxEndpoint endpoint) {
        if (endpoint.getOrderingKey() == null && !endpoint.isFifo()) {
            return null;
        }
        return new Ordering(endpoint.getOrderingKey() == null ? null : compile(endpoint.getOrderingKey()),
                "block".equals(endpoint.getOrderingOnFailure()));
    }

    static JsonPath compile(String path) {
        try {
            return JsonPath.compile(path);
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new IllegalArgumentException("orderingKey: '" + path + "' is not a JSONPath like $.customer.id");
        }
    }

    /** The event's key, or null when it has none. */
    String keyOf(byte[] body) {
        if (keyPath == null) {
            return ALL;
        }
        Object value;
        try {
            value = keyPath.read(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notThere) {
            return null; // not JSON, or no such field: not ordered
        }
        if (value == null || value instanceof Map || value instanceof List) {
            return null;
        }
        return InboxProducer.idempotencyKey(value.toString()); // a long one hashed, as delivery ids are
    }
}

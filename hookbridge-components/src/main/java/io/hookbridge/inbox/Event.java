package io.hookbridge.inbox;

import java.util.Map;

/**
 * A received webhook as the inbox keeps it: the raw body bytes exactly as they arrived, and what is needed to deliver
 * and explain it later.
 *
 * @param id             Hookbridge's id, stable across retries and replays (receivers dedupe on it)
 * @param inbox          the inbox (channel) name
 * @param idempotencyKey the provider's own delivery id, used to drop the provider's redeliveries; may be null
 * @param receivedAt     epoch milliseconds
 */
public record Event(String id, String inbox, String idempotencyKey, String type, String source, String contentType,
        Map<String, String> headers, byte[] body, long receivedAt) {
}

package io.hookbridge.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code to: inbox:NAME}: stores the event and one delivery per subscription, and returns only once that is committed
 * and synced (the calling thread waits for its group commit). The reply is the receipt a provider gets:
 * {@code 202 {"id": ...}}, or {@code 200 {"id": ..., "duplicate": true}} for an idempotency key seen before; no other
 * header goes back.
 */
public class InboxProducer extends DefaultProducer {

    /** Longest idempotency key and event type kept as they are; longer keys are hashed, longer types cut. */
    static final int MAX_KEY = 200;
    /** How long a request waits for its commit before the provider is told to retry (GitHub gives up at 10 s). */
    static final long COMMIT_TIMEOUT_SECONDS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(InboxProducer.class);

    private final InboxEndpoint endpoint;

    public InboxProducer(InboxEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InboxComponent component = endpoint.getComponent();
        long now = component.getClock().millis();
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        Event event = new Event(EventIds.next(now), endpoint.getName(),
                idempotencyKey(in.getHeader(InboxHeaders.IDEMPOTENCY_KEY, String.class)),
                cut(in.getHeader(InboxHeaders.EVENT_TYPE, String.class), MAX_KEY),
                cut(in.getHeader(InboxHeaders.SOURCE, String.class), MAX_KEY),
                cut(in.getHeader(Exchange.CONTENT_TYPE, String.class), 8192),
                StoredHeaders.of(in.getHeaders()), body == null ? new byte[0] : body, now);

        List<InboxComponent.Subscriber> subscribers = component.subscribers(endpoint.getName());
        Map<String, Long> leases = new LinkedHashMap<>();
        for (InboxComponent.Subscriber s : subscribers) {
            // a lease marks what this instance delivers straight from memory; the rest waits for a poll
            boolean inMemory = s.consumer() != null && s.consumer().isAccepting(event.body().length);
            leases.put(s.name(), inMemory ? now + component.getLeaseTime() : null);
        }
        IngestResult result;
        try {
            result = component.getStore().ingest(event, leases).get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new InboxUnavailableException(endpoint.getName(), e.getCause());
        } catch (TimeoutException e) {
            // it may still commit: the provider's retry then finds it by its idempotency key
            throw new InboxUnavailableException(endpoint.getName(), e);
        }
        reply(in, result);
        component.getMetrics().received(event.source(), result.duplicate() ? "duplicate" : "accepted", null);
        if (result.duplicate()) {
            LOG.info("Event {} from {} received again ({}): acknowledged, not stored", result.eventId(), event.source(),
                    event.idempotencyKey());
        } else {
            LOG.info("Event {} from {} stored in {} ({}, {} bytes) for {} subscriptions", event.id(), event.source(),
                    endpoint.getName(), event.type(), event.body().length, leases.size());
            for (InboxComponent.Subscriber s : subscribers) {
                if (leases.get(s.name()) != null) {
                    s.consumer().offer(new Delivery(event.id(), s.name(), 0, 0, event));
                }
            }
        }
    }

    /** Keys longer than a column are hashed: still the same key for the same delivery, and never rejected. */
    static String idempotencyKey(String key) {
        if (key == null || key.length() <= MAX_KEY) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static void reply(Message m, IngestResult result) {
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, result.duplicate() ? 200 : 202);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(InboxHeaders.EVENT_ID, result.eventId());
        // a String: platform-http writes it in one go, where bytes would be pumped through a stream
        m.setBody("{\"id\":\"" + result.eventId() + "\"" + (result.duplicate() ? ",\"duplicate\":true}" : "}"));
    }
}

package io.hookbridge.inbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own events, published into the inbox {@value #INBOX} like any provider's, so that users route alerts
 * with the connectors they already use ({@code from: inbox:hookbridge.ops} to Slack, e-mail...). Each is JSON with a
 * {@code type} (also the event type), the time ({@code at}, ISO-8601) and the {@code subscription}:
 * <ul>
 * <li>{@code subscription.paused}: {@code reason} ({@code 410}, {@code auto}, {@code admin}), {@code detail};
 * <li>{@code subscription.resumed};
 * <li>{@code delivery.dead}: {@code eventId}, {@code attempts}, {@code lastError}.
 * </ul>
 * Nothing is stored while no route consumes the inbox, and the inbox's own subscriptions publish nothing (a dead
 * alert must not raise another alert).
 */
final class OperationalEvents {

    static final String INBOX = "hookbridge.ops";

    private static final Logger LOG = LoggerFactory.getLogger(OperationalEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InboxComponent component;
    private final ProducerTemplate producer;

    OperationalEvents(InboxComponent component) {
        this.component = component;
        this.producer = component.getCamelContext().createProducerTemplate();
    }

    /** {@code inbox}: the subscription's inbox, or null if its route does not run here. */
    void paused(String inbox, String subscription, String reason, String detail) {
        publish(inbox, subscription, "subscription.paused", Map.of("reason", reason,
                "detail", detail == null ? "" : detail));
    }

    void resumed(String inbox, String subscription) {
        publish(inbox, subscription, "subscription.resumed", Map.of());
    }

    void dead(String inbox, String subscription, String eventId, int attempts, String lastError) {
        publish(inbox, subscription, "delivery.dead", Map.of("eventId", eventId, "attempts", attempts,
                "lastError", lastError == null ? "" : lastError));
    }

    private void publish(String inbox, String subscription, String type, Map<String, Object> details) {
        if (INBOX.equals(inbox) || component.subscriptions().of(INBOX).isEmpty()) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("at", Instant.ofEpochMilli(component.getClock().millis()).toString());
        event.put("subscription", subscription);
        event.putAll(details);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // not waited for: the worker that saw it goes on; a failure to store it is logged
        producer.asyncSend("inbox:" + INBOX, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setHeader(InboxHeaders.EVENT_TYPE, type);
            exchange.getMessage().setHeader(InboxHeaders.SOURCE, "hookbridge");
        }).whenComplete((exchange, failure) -> {
            Throwable cause = failure != null ? failure : exchange.getException();
            if (cause != null) {
                LOG.warn("Could not store the operational event {} of subscription {}: {}", type,
                        subscription, cause.toString());
            }
        });
    }

    void close() {
        try {
            producer.close();
        } catch (Exception e) {
            LOG.debug("Closing the operational events' producer failed", e);
        }
    }
}

package io.hookbridge.inbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code to: inbox:NAME}: stores the event and one delivery per subscription, and returns only once that is committed
 * and synced (the calling thread waits for its group commit). The reply is the receipt a provider gets:
 * {@code 202 {"id": ...}}, or {@code 200 {"id": ..., "duplicate": true}} for an idempotency key seen before; no other
 * header goes back.
 */
public class InboxProducer extends DefaultProducer {

    private final InboxEndpoint endpoint;

    public InboxProducer(InboxEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InboxComponent component = endpoint.getComponent();
        long now = System.currentTimeMillis();
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        Event event = new Event(EventIds.next(now), endpoint.getName(),
                in.getHeader(InboxHeaders.IDEMPOTENCY_KEY, String.class), in.getHeader(InboxHeaders.EVENT_TYPE, String.class),
                in.getHeader(InboxHeaders.SOURCE, String.class), in.getHeader(Exchange.CONTENT_TYPE, String.class),
                StoredHeaders.of(in.getHeaders()), body == null ? new byte[0] : body, now);

        List<InboxComponent.Subscriber> subscribers = component.subscribers(endpoint.getName());
        Map<String, Long> leases = new LinkedHashMap<>();
        for (InboxComponent.Subscriber s : subscribers) {
            // a lease marks what this instance delivers straight from memory; the rest waits for a poll
            boolean inMemory = s.consumer() != null && s.consumer().isAccepting();
            leases.put(s.name(), inMemory ? now + component.getLeaseTime() : null);
        }
        IngestResult result;
        try {
            result = component.getStore().ingest(event, leases).get();
        } catch (ExecutionException e) {
            throw new InboxUnavailableException(endpoint.getName(), e.getCause());
        }
        reply(in, result);
        if (!result.duplicate()) {
            for (InboxComponent.Subscriber s : subscribers) {
                if (leases.get(s.name()) != null) {
                    s.consumer().offer(new Delivery(event, s.name(), 0));
                }
            }
        }
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

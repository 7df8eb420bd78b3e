package io.hookbridge.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code to: inbox:NAME}: stores the event and one delivery per subscription, and completes the exchange only once that
 * is committed and synced. It is asynchronous: the calling thread is not held while the commit is under way; the
 * exchange continues on the thread its {@link #RESUME_ON} property names (the HTTP sources name their request's event
 * loop), else on the store's writer. The reply is a receipt: the body {@code {"id": ...}} (with {@code "duplicate": true}
 * for an idempotency key seen before) and the headers {@link InboxHeaders#EVENT_ID} and {@link InboxHeaders#DUPLICATE},
 * no other header: what a route answers its caller with, which the webhook sources turn into their HTTP answer.
 */
public class InboxProducer extends DefaultAsyncProducer {

    /** Longest idempotency key and event type kept as they are; longer keys are hashed, longer types cut. */
    static final int MAX_KEY = 200;
    /** How long a request waits for its commit before the provider is told to retry (GitHub gives up at 10 s). */
    static final long COMMIT_TIMEOUT_SECONDS = 8;
    /**
     * Exchange property: an {@link Executor} to continue the exchange on once the event is stored, so that the rest of
     * the route (and the answer to the provider) does not run on the store's writer thread.
     */
    public static final String RESUME_ON = "HookbridgeResumeOn";

    private static final Logger LOG = LoggerFactory.getLogger(InboxProducer.class);

    private final InboxEndpoint endpoint;

    public InboxProducer(InboxEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        InboxComponent component = endpoint.getComponent();
        long now = component.getClock().millis();
        Message in = exchange.getMessage();
        Event event;
        List<Subscriptions.Subscriber> subscribers;
        Map<String, Long> leases = new LinkedHashMap<>();
        Map<String, String> orderingKeys = new LinkedHashMap<>();
        try {
            byte[] body = in.getBody(byte[].class);
            event = new Event(EventIds.next(now), endpoint.getName(),
                    idempotencyKey(in.getHeader(InboxHeaders.IDEMPOTENCY_KEY, String.class)),
                    cut(in.getHeader(InboxHeaders.EVENT_TYPE, String.class), MAX_KEY),
                    cut(in.getHeader(InboxHeaders.SOURCE, String.class), MAX_KEY),
                    cut(in.getHeader(Exchange.CONTENT_TYPE, String.class), 8192),
                    StoredHeaders.of(in.getHeaders()), body == null ? new byte[0] : body, now);
            subscribers = component.subscriptions().of(endpoint.getName());
            for (Subscriptions.Subscriber s : subscribers) {
                // a lease marks what this instance delivers straight from memory; the rest waits for a claim, as
                // ordered deliveries always do (the claim knows what came before them, on every instance)
                boolean inMemory = s.ordering() == null && s.consumer() != null
                        && s.consumer().isAccepting(event.body().length);
                leases.put(s.name(), inMemory ? now + component.getLeaseTime() : null);
                if (s.ordering() != null) {
                    orderingKeys.put(s.name(), s.ordering().keyOf(event.body()));
                }
            }
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        CompletableFuture<IngestResult> stored = component.getStore().ingest(event, leases, orderingKeys)
                .orTimeout(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Executor resumeOn = exchange.getProperty(RESUME_ON, Executor.class);
        BiConsumer<IngestResult, Throwable> then = (result, failure) -> {
            if (failure != null) {
                // on a timeout it may still commit: the provider's retry then finds it by its idempotency key
                exchange.setException(new InboxUnavailableException(endpoint.getName(),
                        failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
            } else {
                stored(exchange, event, subscribers, leases, result);
            }
            callback.done(false);
        };
        if (resumeOn != null) {
            stored.whenCompleteAsync(then, resumeOn);
        } else {
            stored.whenComplete(then);
        }
        return false;
    }

    /** The receipt, then the deliveries for this instance's subscribers that have room, straight from memory. */
    private void stored(Exchange exchange, Event event, List<Subscriptions.Subscriber> subscribers,
            Map<String, Long> leases, IngestResult result) {
        reply(exchange.getMessage(), result);
        endpoint.getComponent().getMetrics().received(event.source(), result.duplicate() ? "duplicate" : "accepted", null);
        if (result.duplicate()) {
            LOG.info("Event {} from {} received again ({}): acknowledged, not stored", result.eventId(), event.source(),
                    event.idempotencyKey());
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Event {} from {} stored in {} ({}, {} bytes) for {} subscription{}", event.id(), event.source(),
                    endpoint.getName(), event.type(), event.body().length, leases.size(),
                    leases.size() == 1 ? "" : "s");
        }
        for (Subscriptions.Subscriber s : subscribers) {
            if (s.consumer() == null) {
                continue;
            }
            if (leases.get(s.name()) != null) {
                s.consumer().offer(new Delivery(event.id(), s.name(), 0, 0, event));
            } else {
                s.consumer().overflowed();
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
        m.getHeaders().clear(); // none of the request's headers goes back to its caller
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader(InboxHeaders.EVENT_ID, result.eventId());
        m.setHeader(InboxHeaders.DUPLICATE, result.duplicate());
        // a String: an HTTP server writes it in one go, where bytes would be pumped through a stream
        m.setBody("{\"id\":\"" + result.eventId() + "\"" + (result.duplicate() ? ",\"duplicate\":true}" : "}"));
    }
}

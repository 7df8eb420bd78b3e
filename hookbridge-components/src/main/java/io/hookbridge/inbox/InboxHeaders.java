package io.hookbridge.inbox;

import org.apache.camel.spi.Metadata;

/**
 * The message headers of the inbox. Sources set the first three before {@code to: inbox:NAME}; every delivery
 * exchange carries all of them.
 */
public final class InboxHeaders {

    @Metadata(label = "producer", javaType = "String",
              description = "The provider's own id of this delivery (e.g. X-GitHub-Delivery); a second event with it in "
                            + "the same inbox is a duplicate")
    public static final String IDEMPOTENCY_KEY = "HookbridgeIdempotencyKey";
    @Metadata(javaType = "String", description = "The event type (e.g. push, invoice.paid)")
    public static final String EVENT_TYPE = "HookbridgeEventType";
    @Metadata(javaType = "String", description = "The name of the source that received the event (e.g. github)")
    public static final String SOURCE = "HookbridgeSource";
    @Metadata(javaType = "String",
              description = "Hookbridge's event id, stable across retries and replays (receivers dedupe on it); on the "
                            + "producer's reply, the id of the event stored")
    public static final String EVENT_ID = "HookbridgeEventId";
    @Metadata(label = "producer", javaType = "boolean",
              description = "On the producer's reply: true when the idempotency key was seen before, the event not stored "
                            + "again (the event id is the first one's)")
    public static final String DUPLICATE = "HookbridgeDuplicate";
    @Metadata(label = "consumer", javaType = "String", description = "The inbox the event was stored in")
    public static final String INBOX = "HookbridgeInbox";
    @Metadata(label = "consumer", javaType = "String", description = "The subscription (route id) this delivery is for")
    public static final String SUBSCRIPTION = "HookbridgeSubscription";
    @Metadata(label = "consumer", javaType = "int",
              description = "1 for the first attempt, then 2, 3...: durable attempts, not the route's in-memory "
                            + "redeliveries")
    public static final String ATTEMPT = "HookbridgeAttempt";
    @Metadata(label = "consumer", javaType = "long", description = "When the event was received, epoch milliseconds")
    public static final String RECEIVED_AT = "HookbridgeReceivedAt";

    /** Headers with this prefix are Hookbridge's own; sources drop any a caller sends. */
    public static final String PREFIX = "Hookbridge";

    private InboxHeaders() {
    }
}

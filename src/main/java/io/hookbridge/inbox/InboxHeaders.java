package io.hookbridge.inbox;

/**
 * The message headers of the inbox. Sources set the first three before {@code to: inbox:NAME}; every delivery
 * exchange carries all of them.
 */
public final class InboxHeaders {

    /** In: the provider's own id of this delivery (e.g. X-GitHub-Delivery); a second event with it is a duplicate. */
    public static final String IDEMPOTENCY_KEY = "HookbridgeIdempotencyKey";
    /** In and out: the event type (e.g. {@code push}, {@code invoice.paid}). */
    public static final String EVENT_TYPE = "HookbridgeEventType";
    /** In and out: the name of the source that received the event (e.g. {@code github}). */
    public static final String SOURCE = "HookbridgeSource";
    /** Out: Hookbridge's event id, stable across retries and replays; receivers dedupe on it. */
    public static final String EVENT_ID = "HookbridgeEventId";
    /** Out: the inbox the event was stored in. */
    public static final String INBOX = "HookbridgeInbox";
    /** Out: the subscription (route id) this delivery is for. */
    public static final String SUBSCRIPTION = "HookbridgeSubscription";
    /** Out: 1 for the first attempt, then 2, 3...: durable attempts, not the route's in-memory redeliveries. */
    public static final String ATTEMPT = "HookbridgeAttempt";
    /** Out: when the event was received, epoch milliseconds. */
    public static final String RECEIVED_AT = "HookbridgeReceivedAt";

    /** Headers with this prefix are Hookbridge's own; sources drop any a caller sends. */
    public static final String PREFIX = "Hookbridge";

    private InboxHeaders() {
    }
}

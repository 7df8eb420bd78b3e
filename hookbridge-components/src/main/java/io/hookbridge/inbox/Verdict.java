package io.hookbridge.inbox;

/** What becomes of a delivery after one attempt. */
public enum Verdict {
    /** The destination took it. */
    DELIVERED,
    /** The route sent the event to no endpoint (its filter left it out): nothing was sent, nothing will be. */
    FILTERED,
    /** A transient failure: try again later, following the retry schedule. */
    RETRY,
    /** A permanent failure (or an exhausted schedule): kept for replay, never retried by itself. */
    DEAD,
    /** The destination said it is gone (410): the whole subscription pauses, its deliveries are kept. */
    PAUSE;

    /**
     * Classifies an HTTP answer the way Standard Webhooks senders do: 2xx is success, 410 disables the endpoint,
     * other 4xx are permanent except 408 (timeout) and 429 (slow down); 3xx and 5xx are transient.
     */
    public static Verdict ofHttpStatus(int status) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        if (status == 410) {
            return PAUSE;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return DEAD;
        }
        return RETRY;
    }
}

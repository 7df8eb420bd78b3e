package io.hookbridge.inbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;

/**
 * The outcome of one delivery attempt, read off the exchange after the route (and its own in-memory redeliveries)
 * finished: the verdict plus what the attempt log keeps.
 *
 * @param status     the destination's HTTP status, when it answered over HTTP
 * @param retryAfter the destination's Retry-After, if any
 * @param error      a short reason, null on success
 * @param response   the start of the destination's answer, for the attempt log
 */
public record AttemptResult(Verdict verdict, Integer status, Duration retryAfter, String error, String response) {

    static final int SNIPPET = 500;

    /** A successful attempt; {@code status} is the destination's HTTP status when there was one. */
    public static AttemptResult delivered(Integer status) {
        return new AttemptResult(Verdict.DELIVERED, status, null, null, null);
    }

    /** An attempt whose route filtered the event out. */
    public static AttemptResult filtered() {
        return new AttemptResult(Verdict.FILTERED, null, null, null, null);
    }

    /** A failed attempt, classified by its exception. */
    public static AttemptResult failed(Throwable failure, Instant now) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, failure);
        if (http != null) {
            int status = http.getStatusCode();
            String retryAfter = http.getResponseHeaders() == null ? null : headerIgnoringCase(http, "Retry-After");
            return new AttemptResult(Verdict.ofHttpStatus(status), status, RetryAfter.parse(retryAfter, now),
                    "HTTP " + status + (http.getStatusText() == null ? "" : " " + http.getStatusText()),
                    snippet(http.getResponseBody()));
        }
        PermanentDeliveryException permanent = ObjectHelper.getException(PermanentDeliveryException.class, failure);
        if (permanent != null) {
            return new AttemptResult(Verdict.DEAD, null, null, snippet(permanent.getMessage()), null);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return new AttemptResult(Verdict.RETRY, null, null, snippet(reason), null);
    }

    private static String headerIgnoringCase(HttpOperationFailedException http, String name) {
        return http.getResponseHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    static String snippet(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET) + "…";
    }
}
